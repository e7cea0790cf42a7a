// The OAuth 2 server of the oauth tests: oidc-provider (a certified OpenID
// Provider, pinned in package.json / package-lock.json, installed into
// .tools/oauth by tests/oauth/install), configured with the client credentials
// grant for two clients and a short token lifetime, on 127.0.0.1 only.
//
// Beside its own endpoints (/token, /token/revocation, ...) it serves the API of
// tests/specs/oauth.yaml, which accepts an access token only if the provider
// itself finds it valid, and a few /test/ endpoints for the tests to look inside.
//
// Environment: OIDC_PROVIDER_MODULES (the node_modules folder holding
// oidc-provider), TOKEN_TTL (seconds, default 2). Prints `listening PORT`.
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.OIDC_PROVIDER_MODULES;
const { default: Provider } = await import(
  pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href
);
const ttl = Number(process.env.TOKEN_TTL || 2);

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        // Authenticates with HTTP Basic (RFC 6749 §2.3.1); the secret has
        // characters that must be form-encoded before the Basic encoding.
        client_id: 'rust-client',
        client_secret: 'Secret:with/odd+chars & spaces-0123456789',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'read write',
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        // Sends its id and secret in the form body.
        client_id: 'post-client',
        client_secret: 'post-secret-0123456789',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'read',
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['read', 'write'],
    features: {
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      devInteractions: { enabled: false },
    },
    ttl: { ClientCredentials: ttl },
    cookies: { keys: ['oauth-tests-cookie-key-not-a-secret'] },
  });

  const stats = { issued: 0, refused_grants: 0, accepted: 0, rejected: 0, tokens: [], used: [] };
  provider.on('grant.success', () => { stats.issued += 1; });
  provider.on('grant.error', () => { stats.refused_grants += 1; });

  async function valid(ctx) {
    const m = /^Bearer (.+)$/.exec(ctx.get('authorization'));
    if (!m) return null;
    const token = await provider.ClientCredentials.find(m[1]);
    if (!token || token.isExpired) return null;
    return { token };
  }

  function unauthorized(ctx) {
    stats.rejected += 1;
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    ctx.body = { error: 'invalid_token' };
  }

  provider.use(async (ctx, next) => {
    if (ctx.path === '/test/stats') {
      ctx.body = stats;
      return;
    }
    if (ctx.path === '/test/revoke' && ctx.method === 'POST') {
      // Destroys every token issued so far, as a server does when it rotates keys.
      let revoked = 0;
      for (const value of stats.tokens) {
        const token = await provider.ClientCredentials.find(value, { ignoreExpiration: true });
        if (token) { await token.destroy(); revoked += 1; }
      }
      ctx.body = { revoked };
      return;
    }
    if (ctx.path === '/api/whoami') {
      stats.used.push((/^Bearer (.+)$/.exec(ctx.get('authorization')) || [])[1] ?? null);
      const found = await valid(ctx);
      if (!found) { unauthorized(ctx); return; }
      stats.accepted += 1;
      ctx.body = { clientId: found.token.clientId, scope: found.token.scope };
      return;
    }
    if (ctx.path === '/api/forbidden-zone') {
      // Refuses every token: a client must not ask for new ones forever.
      stats.used.push((/^Bearer (.+)$/.exec(ctx.get('authorization')) || [])[1] ?? null);
      unauthorized(ctx);
      return;
    }
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.access_token) {
      stats.tokens.push(ctx.body.access_token);
    }
  });
  server.on('request', provider.callback());
  console.log(`listening ${port}`);
});
