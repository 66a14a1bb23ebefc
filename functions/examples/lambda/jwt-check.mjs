// Lambda@Edge, viewer-request: requires a JWT in `Authorization: Bearer …`, verified with jose
// against the public keys in ./jwks.json (issuer https://auth.example.com, audience edge-api).
// No token or a bad one → 401 with WWW-Authenticate; a good one goes on without the
// Authorization header, its subject in `x-user-sub` for the origin.
// Config: LambdaFunctions: [{ Name: jwt-check, CodeFile: …/jwt-check.mjs, Runtime: nodejs20.x }]
// and on a behavior LambdaFunctionAssociations: [{ EventType: viewer-request, LambdaFunctionARN: jwt-check }].
import { readFileSync } from 'node:fs'
import { createLocalJWKSet, jwtVerify } from 'jose'

// Loaded once per worker, as Lambda keeps module state between calls.
const keys = createLocalJWKSet(JSON.parse(readFileSync(new URL('./jwks.json', import.meta.url))))
const ISSUER = 'https://auth.example.com'
const AUDIENCE = 'edge-api'

export const handler = async (event) => {
  const request = event.Records[0].cf.request
  const auth = request.headers['authorization']?.[0]?.value ?? ''
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
  if (token === '') return refuse('invalid_request', 'a bearer token is required')
  try {
    const { payload } = await jwtVerify(token, keys, { issuer: ISSUER, audience: AUDIENCE })
    delete request.headers['authorization']
    request.headers['x-user-sub'] = [{ key: 'X-User-Sub', value: String(payload.sub ?? '') }]
    return request
  } catch (err) {
    return refuse('invalid_token', err.code ?? 'the token could not be verified')
  }
}

function refuse(error, description) {
  return {
    status: '401',
    statusDescription: 'Unauthorized',
    headers: {
      'www-authenticate': [
        {
          key: 'WWW-Authenticate',
          value: `Bearer error="${error}", error_description="${description}"`,
        },
      ],
      'content-type': [{ key: 'Content-Type', value: 'text/plain' }],
      'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
    },
    body: 'Unauthorized\n',
  }
}
