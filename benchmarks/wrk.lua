-- Requests for wrk from a targets file, one "METHOD PATH API-KEY" per line (the key goes in X-API-KEY).
--
-- wrk ... -s wrk.lua -- TARGETS   cycles through the targets for the run's duration.
-- done() prints one JSON line: requests, duration_us, errors, p50_us, p99_us, max_us.

local requests = {}
local count = 0
local sent = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, target, key = line:match("^(%S+) (%S+) (%S+)$")
    if method then
      count = count + 1
      requests[count] = wrk.format(method, target, { ["X-API-KEY"] = key })
    end
  end
end

function request()
  sent = sent + 1
  return requests[(sent - 1) % count + 1]
end
function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
