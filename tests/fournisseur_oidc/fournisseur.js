// A real OpenID Connect provider (panva/oidc-provider) for the federated-login tests, shaped like
// ProConnect or FranceConnect by the JSON file given as argument:
//   {"port": 1234, "issuer": "http://127.0.0.1:1234", "acrValues": ["eidas1"], "clients": [...],
//    "comptes": {"<sub>": {claims}}}
// The person "at the keyboard" of the provider is chosen by the test (POST /test/prochain
// {"sub", "acr", "amr"}): the interaction pages log them in and grant the scopes without a form,
// everything else (authorization, token, userinfo as signed JWT, JWKS, end_session) is the
// library's own. GET /test/evenements lists the logouts seen; POST /test/compte changes an
// account's claims (an e-mail changed at the provider).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const conf = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const comptes = conf.comptes;
const evenements = [];
let prochain = null;

const cle = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(conf.issuer, {
  clients: conf.clients,
  jwks: { keys: [{ ...cle, kid: 'cle-de-test', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  acrValues: conf.acrValues || [],
  claims: {
    openid: ['sub'],
    amr: null,
    email: ['email', 'email_verified'],
    given_name: ['given_name'],
    family_name: ['family_name'],
    usual_name: ['usual_name'],
    birthdate: ['birthdate'],
    uid: ['uid'],
    siret: ['siret'],
  },
  scopes: ['openid', 'email', 'given_name', 'family_name', 'usual_name', 'birthdate', 'uid', 'siret'],
  features: {
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html><body>${form}<button form="op.logoutForm" name="logout" value="yes">Oui</button></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!comptes[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...comptes[id] }; } };
  },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Session: 3600, Grant: 3600, Interaction: 600 },
});
provider.on('end_session.success', () => evenements.push('end_session'));
provider.on('server_error', (ctx, err) => console.error(err));

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  let resultat;
  if (details.prompt.name === 'login') {
    if (!prochain) {
      res.writeHead(409).end('aucun compte choisi par le test');
      return;
    }
    resultat = { login: { accountId: prochain.sub, acr: prochain.acr, amr: prochain.amr } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    resultat = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, resultat, { mergeWithLastSubmission: true });
}

function corps(req) {
  return new Promise((resolve) => {
    let donnees = '';
    req.on('data', (morceau) => { donnees += morceau; });
    req.on('end', () => resolve(JSON.parse(donnees || '{}')));
  });
}

const rappel = provider.callback();
http.createServer(async (req, res) => {
  try {
    if (req.url.startsWith('/interaction/')) return await interaction(req, res);
    if (req.url === '/test/prochain' && req.method === 'POST') {
      prochain = await corps(req);
      return res.writeHead(204).end();
    }
    if (req.url === '/test/compte' && req.method === 'POST') {
      const { sub, claims } = await corps(req);
      comptes[sub] = claims;
      return res.writeHead(204).end();
    }
    if (req.url === '/test/evenements') {
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(evenements));
    }
    return rappel(req, res);
  } catch (err) {
    console.error(err);
    res.writeHead(500).end(String(err));
  }
}).listen(conf.port, '127.0.0.1', () => console.log('pret'));
