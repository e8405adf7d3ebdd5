import type { Reference } from '../verdict/types.ts';

const RFC_TITLES: Record<string, string> = {
  '6749': 'The OAuth 2.0 Authorization Framework',
  '6750': 'OAuth 2.0 Bearer Token Usage',
  '6819': 'OAuth 2.0 Threat Model and Security Considerations',
  '7662': 'OAuth 2.0 Token Introspection',
  '8037': 'CFRG Elliptic Curves for JOSE (EdDSA)',
  '8414': 'OAuth 2.0 Authorization Server Metadata',
  '7515': 'JSON Web Signature',
  '7517': 'JSON Web Key',
  '7518': 'JSON Web Algorithms',
  '7519': 'JSON Web Token',
  '8725': 'JSON Web Token Best Current Practices',
  '9068': 'JWT Profile for OAuth 2.0 Access Tokens',
  '9700': 'Best Current Practice for OAuth 2.0 Security',
  '7235': 'HTTP/1.1: Authentication',
  '9110': 'HTTP Semantics',
  '8259': 'The JSON Data Interchange Format',
  '7009': 'OAuth 2.0 Token Revocation',
  '8705': 'OAuth 2.0 Mutual-TLS Client Authentication',
};

/** `rfc('8725', '3.1')` → RFC 8725 §3.1 with a link to that section. */
export function rfc(num: string, section?: string): Reference {
  const title = RFC_TITLES[num];
  return {
    id: `RFC ${num}${section ? ` §${section}` : ''}`,
    url: `https://www.rfc-editor.org/rfc/rfc${num}${section ? `#section-${section}` : ''}`,
    ...(title ? { title } : {}),
  };
}

export function cwe(num: number, title?: string): Reference {
  return {
    id: `CWE-${num}`,
    url: `https://cwe.mitre.org/data/definitions/${num}.html`,
    ...(title ? { title } : {}),
  };
}

export function cve(id: string, title?: string): Reference {
  return { id, url: `https://nvd.nist.gov/vuln/detail/${id}`, ...(title ? { title } : {}) };
}
