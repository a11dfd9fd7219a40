// Test OpenID Provider for linkvault's integration tests.
//
// A real oidc-provider instance plus a few test knobs under /__test__/ that let
// a test make the token endpoint (all grants or one grant type) or the revocation
// endpoint slow or fail, doctor token responses, count how often both endpoints
// were called, choose refresh-token rotation and the access-token lifetime, and
// invalidate a grant behind the client's back. Everything is kept in memory and
// keyed by client_id, so tests sharing one provider don't see each other.
//
// Config (environment): PORT (listens on 127.0.0.1:PORT) and ISSUER, e.g.
// http://127.0.0.1:PORT or http://127.0.0.1:PORT/tenant-b. All endpoints,
// including /__test__/, live under the issuer URL.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as querystring from 'node:querystring';
import { setTimeout as sleep } from 'node:timers/promises';

import Provider from 'oidc-provider';
// Not part of oidc-provider's public API, but the package is pinned and has no
// "exports" map: per-client rotation falls back to the library's own default.
import { defaults as providerDefaults } from 'oidc-provider/lib/helpers/defaults.js';

const PORT = Number.parseInt(process.env.PORT ?? '', 10);
const ISSUER = process.env.ISSUER;
if (!Number.isInteger(PORT) || PORT <= 0 || !ISSUER) {
  console.error('PORT and ISSUER environment variables are required');
  process.exit(2);
}
const issuerUrl = new URL(ISSUER);
const MOUNT_PATH = issuerUrl.pathname.replace(/\/+$/, '');

// A fresh signing key per process: tests must never depend on a fixed key, and
// this avoids oidc-provider's shared development key.
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'test-rs256',
  use: 'sig',
  alg: 'RS256',
};

// The login name typed on the login page becomes the subject, so tests can
// choose identities (authorize(..., login="bob")).
async function findAccount(_ctx, id) {
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        name: id,
        preferred_username: id,
        email: `${id}@example.test`,
        email_verified: true,
      };
    },
  };
}

// Per-client overrides of the provider's configuration, set through
// /__test__/clients/<client_id>/config. Declared before the provider because its
// configuration functions read it.
/** client_id -> { rotate_refresh_tokens, access_token_ttl_seconds } */
const clientConfigs = new Map();
const ACCESS_TOKEN_TTL_SECONDS = 3600;

const provider = new Provider(ISSUER, {
  findAccount,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  clientDefaults: {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  // PKCE for every client, not only public ones; oidc-provider only supports S256.
  pkce: { required: () => true },
  // Always hand out refresh tokens, whether or not offline_access survived the
  // authorization request (oidc-provider drops it unless prompt=consent).
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Refresh tokens must not die with the (throwaway) browser session of authorize().
  expiresWithSession: async () => false,
  // Unless a test chose for its client, oidc-provider's default: a confidential
  // client's refresh token is rotated only after 70% of its 14-day lifetime, so
  // in practice a refresh answers with the same refresh token.
  rotateRefreshToken: (ctx) => {
    const chosen = clientConfigs.get(ctx.oidc.client.clientId)?.rotate_refresh_tokens;
    return chosen ?? providerDefaults.rotateRefreshToken(ctx);
  },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    // Note: revoking an access token here also revokes the refresh tokens of its
    // grant (oidc-provider revokes by grant), not only that access token.
    revocation: { enabled: true },
  },
  ttl: {
    // A short lifetime per client lets a test see expires_in drive a refresh.
    AccessToken: (_ctx, token, client) =>
      clientConfigs.get(client?.clientId ?? token.clientId)?.access_token_ttl_seconds ?? ACCESS_TOKEN_TTL_SECONDS,
    AuthorizationCode: 600,
    IdToken: 3600,
    Interaction: 3600,
    Grant: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
  },
});

provider.on('server_error', (ctx, err) => {
  console.error(`server_error ${ctx.method} ${ctx.path}:`, err);
});

// ---------------------------------------------------------------------------
// Test knobs
// ---------------------------------------------------------------------------

/** client_id -> { delay_seconds, fail_status, fail_body, fail_content_type, response_patch, only_grant_type } */
const knobs = new Map();
/** client_id -> { grant_type -> count } */
const tokenRequests = new Map();
/** client_id -> the form and auth scheme of its latest token request, for tests of what the client sent */
const lastTokenRequests = new Map();
/** client_id -> the body of its latest successful token response, e.g. for a test that replays its ID token elsewhere */
const lastTokenResponses = new Map();

/** client_id -> { delay_seconds, fail_status, fail_body, fail_content_type } for the revocation endpoint */
const revocationKnobs = new Map();
/** client_id -> how many requests reached the revocation endpoint */
const revocationRequests = new Map();
/** client_id -> the form and auth scheme of its latest revocation request */
const lastRevocationRequests = new Map();

const REVOCATION_KNOB_KEYS = ['delay_seconds', 'fail_status', 'fail_body', 'fail_content_type'];
const KNOB_KEYS = [
  'delay_seconds', 'fail_status', 'fail_body', 'fail_content_type', 'response_patch', 'only_grant_type',
];

async function readRawBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function basicAuthClientId(header) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  // RFC 6749 2.3.1: the client_id is form-urlencoded before base64.
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return decoded.slice(0, colon);
  }
}

function jsonResponse(ctx, status, body) {
  ctx.status = status;
  ctx.body = body;
}

const CONFIG_CHECKS = {
  rotate_refresh_tokens: (value) => typeof value === 'boolean',
  access_token_ttl_seconds: (value) => Number.isInteger(value) && value > 0,
};

async function readJsonObject(ctx, keys) {
  let body;
  try {
    body = JSON.parse((await readRawBody(ctx.req)).toString('utf8') || '{}');
  } catch (err) {
    jsonResponse(ctx, 400, { error: `invalid JSON: ${err.message}` });
    return undefined;
  }
  const unknown = Object.keys(body ?? {}).filter((key) => !keys.includes(key));
  if (typeof body !== 'object' || body === null || Array.isArray(body) || unknown.length) {
    jsonResponse(ctx, 400, { error: `expected an object with keys ${keys.join(', ')}`, unknown });
    return undefined;
  }
  // PUT replaces: keys not mentioned (or null) are cleared.
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
}

// What the provider does when the user withdraws the client's access: every
// token of the grant the given refresh or access token belongs to is gone, so
// the next refresh answers invalid_grant. Not a revocation request: it isn't counted.
async function revokeGrantOutOfBand(ctx, clientId) {
  const body = await readJsonObject(ctx, ['token']);
  if (body === undefined) return;
  if (typeof body.token !== 'string') {
    jsonResponse(ctx, 400, { error: 'expected {"token": "<refresh or access token>"}' });
    return;
  }
  const token = (await provider.RefreshToken.find(body.token, { ignoreExpiration: true }))
    ?? (await provider.AccessToken.find(body.token, { ignoreExpiration: true }));
  if (!token || token.clientId !== clientId) {
    jsonResponse(ctx, 404, { error: `no refresh or access token of client ${clientId} with that value` });
    return;
  }
  const { grantId } = token;
  await Promise.all([
    provider.AccessToken.revokeByGrantId(grantId),
    provider.RefreshToken.revokeByGrantId(grantId),
    provider.AuthorizationCode.revokeByGrantId(grantId),
    provider.Grant.adapter.destroy(grantId),
  ]);
  jsonResponse(ctx, 200, {});
}

async function controlEndpoint(ctx) {
  // /__test__/clients/<client_id>/knobs | .../token-requests | .../last-token-request | .../last-token-response | .../config
  //   | .../revocation-knobs | .../revocation-requests | .../last-revocation-request | .../revoke-grant
  const match = new RegExp(
    '^/__test__/clients/([^/]+)/(knobs|token-requests|last-token-request|last-token-response|config'
      + '|revocation-knobs|revocation-requests|last-revocation-request|revoke-grant)$',
  ).exec(ctx.path);
  if (!match) {
    jsonResponse(ctx, 404, { error: 'unknown test control endpoint' });
    return;
  }
  const clientId = decodeURIComponent(match[1]);
  const resource = match[2];

  if (resource === 'token-requests' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, Object.fromEntries(tokenRequests.get(clientId) ?? []));
    return;
  }
  if (resource === 'last-token-request' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, lastTokenRequests.get(clientId) ?? {});
    return;
  }
  if (resource === 'last-token-response' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, lastTokenResponses.get(clientId) ?? {});
    return;
  }
  if (resource === 'knobs' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, knobs.get(clientId) ?? {});
    return;
  }
  if (resource === 'knobs' && ctx.method === 'DELETE') {
    knobs.delete(clientId);
    jsonResponse(ctx, 200, {});
    return;
  }
  if (resource === 'knobs' && ctx.method === 'PUT') {
    const set = await readJsonObject(ctx, KNOB_KEYS);
    if (set === undefined) return;
    knobs.set(clientId, set);
    jsonResponse(ctx, 200, set);
    return;
  }
  if (resource === 'revocation-requests' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, { count: revocationRequests.get(clientId) ?? 0 });
    return;
  }
  if (resource === 'last-revocation-request' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, lastRevocationRequests.get(clientId) ?? {});
    return;
  }
  if (resource === 'revocation-knobs' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, revocationKnobs.get(clientId) ?? {});
    return;
  }
  if (resource === 'revocation-knobs' && ctx.method === 'DELETE') {
    revocationKnobs.delete(clientId);
    jsonResponse(ctx, 200, {});
    return;
  }
  if (resource === 'revocation-knobs' && ctx.method === 'PUT') {
    const set = await readJsonObject(ctx, REVOCATION_KNOB_KEYS);
    if (set === undefined) return;
    revocationKnobs.set(clientId, set);
    jsonResponse(ctx, 200, set);
    return;
  }
  if (resource === 'revoke-grant' && ctx.method === 'POST') {
    await revokeGrantOutOfBand(ctx, clientId);
    return;
  }
  if (resource === 'config' && ctx.method === 'GET') {
    jsonResponse(ctx, 200, clientConfigs.get(clientId) ?? {});
    return;
  }
  if (resource === 'config' && ctx.method === 'PUT') {
    const set = await readJsonObject(ctx, Object.keys(CONFIG_CHECKS));
    if (set === undefined) return;
    // Checked here: a bad value would otherwise surface as a server_error in the
    // middle of some later token request.
    const invalid = Object.keys(set).filter((key) => !CONFIG_CHECKS[key](set[key]));
    if (invalid.length) {
      jsonResponse(ctx, 400, { error: 'invalid values', invalid });
      return;
    }
    clientConfigs.set(clientId, set);
    jsonResponse(ctx, 200, set);
    return;
  }
  jsonResponse(ctx, 405, { error: `${ctx.method} not allowed here` });
}

// Reads the form and identifies the client of a request to the token or
// revocation endpoint, by its client authentication (Basic, else client_id).
async function readClientRequest(ctx) {
  // Reading the body here means oidc-provider can't read the stream itself; it
  // falls back to req.body (and logs a one-time warning about it).
  const raw = await readRawBody(ctx.req);
  ctx.req.body = raw;
  const parsed = ctx.is('application/x-www-form-urlencoded') ? querystring.parse(raw.toString('utf8')) : {};
  // A repeated parameter counts by its first value here; oidc-provider rejects it anyway.
  const form = Object.fromEntries(
    Object.entries(parsed).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
  );
  const basicClientId = basicAuthClientId(ctx.get('authorization'));
  return {
    form,
    basicClientId,
    clientId: basicClientId ?? form.client_id ?? '',
    // What tests read back as last-token-request / last-revocation-request.
    record: { form, authorization_scheme: (ctx.get('authorization') || '').split(' ')[0] },
  };
}

// delay_seconds and fail_* knobs; true when the request has been answered.
async function delayOrFail(ctx, clientKnobs) {
  if (clientKnobs.delay_seconds) {
    await sleep(clientKnobs.delay_seconds * 1000);
  }
  if (!clientKnobs.fail_status) return false;
  ctx.status = clientKnobs.fail_status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = clientKnobs.fail_body ?? '';
  if (clientKnobs.fail_content_type) {
    ctx.type = clientKnobs.fail_content_type;
  } else if (clientKnobs.fail_body !== undefined) {
    ctx.type = looksLikeJson(clientKnobs.fail_body) ? 'application/json' : 'text/html';
  }
  return true;
}

// oidc-provider lets a client registered for client_secret_basic use
// client_secret_post and vice versa; a test server should catch a client that
// uses the wrong one. True when the request has been answered.
async function rejectWrongAuthMethod(ctx, { form, basicClientId, clientId }) {
  const usedMethod = basicClientId !== undefined ? 'client_secret_basic' : form.client_secret && 'client_secret_post';
  const client = usedMethod && clientId ? await provider.Client.find(clientId).catch(() => undefined) : undefined;
  if (!client || client.clientAuthMethod === usedMethod) return false;
  ctx.status = 401;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = {
    error: 'invalid_client',
    error_description: `client is registered for ${client.clientAuthMethod}, not ${usedMethod}`,
  };
  return true;
}

async function tokenEndpointKnobs(ctx, next) {
  const request = await readClientRequest(ctx);
  const { clientId } = request;
  const grantType = request.form.grant_type ?? '';

  const counts = tokenRequests.get(clientId) ?? new Map();
  counts.set(grantType, (counts.get(grantType) ?? 0) + 1);
  tokenRequests.set(clientId, counts);
  lastTokenRequests.set(clientId, request.record);

  // only_grant_type lets a test link normally and then break only, say, the
  // refresh: the knobs stay set but other grants pass through untouched.
  const allKnobs = knobs.get(clientId) ?? {};
  const applies = allKnobs.only_grant_type === undefined || allKnobs.only_grant_type === grantType;
  const clientKnobs = applies ? allKnobs : {};
  if (await delayOrFail(ctx, clientKnobs)) return;
  if (await rejectWrongAuthMethod(ctx, request)) return;

  await next();

  const patch = clientKnobs.response_patch;
  if (patch && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
    const patched = { ...ctx.body };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete patched[key];
      else patched[key] = value;
    }
    ctx.body = patched;
  }
  if (ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
    lastTokenResponses.set(clientId, ctx.body);
  }
}

async function revocationEndpointKnobs(ctx, next) {
  const request = await readClientRequest(ctx);
  const { clientId } = request;
  revocationRequests.set(clientId, (revocationRequests.get(clientId) ?? 0) + 1);
  lastRevocationRequests.set(clientId, request.record);

  if (await delayOrFail(ctx, revocationKnobs.get(clientId) ?? {})) return;
  if (await rejectWrongAuthMethod(ctx, request)) return;
  await next();
}

function looksLikeJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** path -> { count, total_ms }: the provider's own time per endpoint (from the request reaching the
 * provider until its answer is ready), so that a benchmark can tell the provider's share of a flow from
 * the client's. Read and reset at /__test__/timings. */
const timings = new Map();

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test__/timings') {
    if (ctx.method === 'DELETE') timings.clear();
    jsonResponse(ctx, 200, Object.fromEntries(timings));
    return;
  }
  const started = process.hrtime.bigint();
  try {
    await next();
  } finally {
    if (!ctx.path.startsWith('/__test__/')) {
      const entry = timings.get(ctx.path) ?? { count: 0, total_ms: 0 };
      entry.count += 1;
      entry.total_ms += Number(process.hrtime.bigint() - started) / 1e6;
      timings.set(ctx.path, entry);
    }
  }
});

provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/__test__/')) {
    await controlEndpoint(ctx);
    return;
  }
  if (ctx.path === '/token' && ctx.method === 'POST') {
    await tokenEndpointKnobs(ctx, next);
    return;
  }
  // oidc-provider's default route for RFC 7009 revocation.
  if (ctx.path === '/token/revocation' && ctx.method === 'POST') {
    await revocationEndpointKnobs(ctx, next);
    return;
  }
  await next();
});

// ---------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------

const callback = provider.callback();

const server = http.createServer((req, res) => {
  if (MOUNT_PATH) {
    // Mount the provider under the issuer's path the way Express would:
    // oidc-provider derives its URLs from req.originalUrl vs. req.url.
    const { pathname } = new URL(req.url, 'http://localhost');
    if (pathname !== MOUNT_PATH && !pathname.startsWith(`${MOUNT_PATH}/`)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `not found; the issuer is ${ISSUER}` }));
      return;
    }
    req.originalUrl = req.url;
    req.url = req.url.slice(MOUNT_PATH.length) || '/';
  }
  callback(req, res);
});

server.on('clientError', (err, socket) => {
  console.error('clientError:', err.message);
  socket.destroy();
});

server.on('error', (err) => {
  console.error(`cannot listen on 127.0.0.1:${PORT}: ${err.code ?? ''} ${err.message}`);
  process.exit(1);
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`listening ${ISSUER}`);
});

function shutdown(signal) {
  console.log(`${signal} received, shutting down`);
  server.close(() => process.exit(0));
  // Keep-alive connections would otherwise hold close() open.
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
