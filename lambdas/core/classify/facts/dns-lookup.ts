import { WRAP_JOIN_MAX } from '../scan-limits.js';
import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

/** One wording of a failed lookup: the host and the resolver's answer as written, or null. */
type LookupForm = (line: string) => { host: string; answer: string } | null;

const regexForm =
  (form: RegExp, hostGroup: number, answerGroup: number): LookupForm =>
  (line) => {
    const m = form.exec(line);
    return m ? { host: m[hostGroup]!, answer: m[answerGroup]! } : null;
  };

// nginx's `<host> could not be resolved (3: Host not found)`. The host is the token before the
// literal: a regex starting with the host's character class would be tried at every position of a
// long run without spaces (quadratic in the line), so the literal is found first.
const UNRESOLVED = ' could not be resolved (';
const UNRESOLVED_ANSWER = /^(\d+: [^)]*)\)/;

const unresolvedForm: LookupForm = (line) => {
  const at = line.indexOf(UNRESOLVED);
  if (at < 0) return null;
  const answer = UNRESOLVED_ANSWER.exec(line.slice(at + UNRESOLVED.length));
  let start = at;
  while (start > 0 && !/[\s:"]/.test(line[start - 1]!)) start--;
  const host = line.slice(start, at).replace(/\.$/, '');
  return answer && host !== '' ? { host, answer: answer[1]! } : null;
};

// A C program's report of getaddrinfo failing (redis-cli's `Could not connect to Redis at
// <host>:<port>: Try again`, `<host>: Name or service not known`): `<host>[:<port>]: ` and the
// resolver library's own message (gai_strerror: glibc's, and musl's in Alpine images). Only these
// messages are read, so a host is named only where a lookup failed. The message is found first
// and the host read backwards from it, so a long run without spaces stays linear.
const GAI_MESSAGES = [
  'Temporary failure in name resolution',
  'Name or service not known',
  'No address associated with hostname',
  'Non-recoverable failure in name resolution',
  'Try again',
  'Name does not resolve',
] as const;
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
// A logger's `file:line: ` prefix (`main.go:42: Try again`) reads like `host:port: `: a name ending in
// a source file's extension is a file, not a host. Of these only .py is also a top-level domain
// (Paraguay's), and far more often a Python module in a log; .cc, C++'s, is left out: it is the
// Cocos Islands' domain, used by real hosts, and C++ loggers (glog, absl) close `file.cc:line` with `]`.
const SOURCE_FILE = /\.(go|java|js|mjs|cjs|ts|tsx|rb|c|cpp|cxx|h|hpp|kt|php|scala|swift|py)$/i;

const gaiForm: LookupForm = (line) => {
  for (const message of GAI_MESSAGES) {
    const at = line.indexOf(`: ${message}`);
    // The message ends the clause (`Try again later` is advice, not a resolver's answer).
    if (at < 0 || !/^\s*($|[.;,)\]"'])/.test(line.slice(at + 2 + message.length))) continue;
    let end = at;
    let start = end;
    while (start > 0 && line.charCodeAt(start - 1) >= 48 && line.charCodeAt(start - 1) <= 57)
      start--;
    const port = start < end && line[start - 1] === ':';
    if (port) end = start - 1;
    start = end;
    while (start > 0 && !/[\s:"'(\[=,<>]/.test(line[start - 1]!)) start--;
    const host = line.slice(start, end).replace(/\.$/, '');
    // A bare word before the message (`ERROR: Try again`) is a prefix, not a host: a name without
    // a dot counts only with the port it was dialled on (`redis:6379: Try again`).
    if (
      HOST_NAME.test(host) &&
      /[A-Za-z]/.test(host) &&
      !SOURCE_FILE.test(host) &&
      (port || host.includes('.'))
    )
      return { host, answer: message };
  }
  return null;
};

// NXDOMAIN ("no such host", ENOTFOUND) is an answer: the resolver works and the name does not
// exist. A timeout, SERVFAIL or refusal is the resolver itself failing.
// Go prints the name it was handed as is (`lookup <name>[ on <server>]: <err>`). A name with a colon
// or a slash in it (`10.96.0.1:tcp`, `tcp://10.96.91.199:6443`) is no host name: Go's resolver
// answers "no such host" without asking any server. Such a name ends at the first ": " or " on ";
// up to its first colon or slash it is read one way only, so a long run of colons stays linear.
// An answer is read to the end of the line with `(.*)`, never `(.*)$`: `.` stops at a carriage
// return (a progress line's) or U+2028, where `$` would fail and send every later occurrence of the
// form's literal back to the end of the line, which is quadratic. An answer in parentheses is read
// to a bounded length for the same reason.
const FORMS: readonly LookupForm[] = [
  regexForm(/lookup ([^\s":/]*[:/][^\s"]*?)(?: on \S+)?: (.*)/, 1, 2),
  regexForm(/lookup ([^\s:"]+?)\.? ?(?: on \S+)?: (.*)/, 1, 2),
  regexForm(/getaddrinfo (ENOTFOUND|EAI_AGAIN) ([^\s:"]+)/, 2, 1),
  regexForm(/server can.t find ([^\s:]+?)\.?: (\w+)/, 1, 2),
  regexForm(/Host ([^\s:]+?)\.? not found: \d\((\w+)\)/, 1, 2),
  // MongoDB's drivers and shell: `Could not find address for <host>:<port>: SocketException: Host not found (authoritative)`.
  regexForm(/Could not find address for ([^\s:"]+?)\.?(?::\d+)?: (.*)/, 1, 2),
  unresolvedForm,
  // Clients that name the host beside the resolver library's message: libpq (`could not translate
  // host name "db" to address: …`), urllib3 2 (`Failed to resolve 'api.example' ([Errno -3] …)`),
  // Ruby's Net::HTTP (`Failed to open TCP connection to host:443 (getaddrinfo: …)`), PHP 8
  // (`getaddrinfo for host failed: …`), Java (`UnknownHostException: host: …`), MySQL's client
  // (`Unknown MySQL server host 'db' (-3)`: the getaddrinfo code, read below). A host name is at most
  // 253 characters, which also bounds the work a failed start costs on a long line.
  regexForm(/could not translate host name "([^"\s]{1,253})" to address: (.*)/, 1, 2),
  regexForm(/Failed to resolve '([^'\s]{1,253})' \(([^)]{0,256})\)/, 1, 2),
  regexForm(
    /Failed to open TCP connection to ([^\s:]{1,253})(?::\d{1,5})? \(getaddrinfo: ([^)]{0,256})\)/,
    1,
    2,
  ),
  regexForm(/getaddrinfo for (\S{1,253}) failed: (.*)/, 1, 2),
  regexForm(/UnknownHostException: ([^\s:]{1,253}): (.*)/, 1, 2),
  regexForm(/Unknown MySQL server host '([^'\s]{1,253})' \((-?\d{1,5})\)/, 1, 2),
  gaiForm,
];

// getaddrinfo's codes as clients print them: EAI_NONAME (-2) and EAI_NODATA (-5) say the name has no
// address, EAI_AGAIN (-3) that no answer came, EAI_FAIL (-4) that the server failed; Windows' 11001
// (WSAHOST_NOT_FOUND) and 11002 (WSATRY_AGAIN) the same.
const ANSWERS: readonly [RegExp, string][] = [
  [/^(-2|-5|11001)$/, 'nxdomain'],
  [/^(-3|11002)$/, 'timeout'],
  [/^-4$/, 'servfail'],
  [
    /no such host|ENOTFOUND|NXDOMAIN|Host not found|Name or service not known|Name does not resolve|No address associated/i,
    'nxdomain',
  ],
  [/misbehaving|SERVFAIL|Server failure|Non-recoverable failure/i, 'servfail'],
  [/refused/i, 'refused'],
  // musl's gai_strerror(EAI_AGAIN) is "Try again".
  // Go before 1.5: `no answer from server` (no reply from any resolver).
  [/timeout|timed out|EAI_AGAIN|Temporary failure|Try again|no answer from/i, 'timeout'],
];

// An IP literal is never looked up, and no host name holds a colon or a slash: such a "name" is an
// address a setting assembled wrong (a scheme, a port, or a service-link variable's
// `tcp://<ip>:<port>` where a host or port belongs).
const NOT_A_NAME = /[:/]|^\d{1,3}(\.\d{1,3}){3}\.?$/;

/** Whose name it is: the cluster's, an image registry's, a cloud provider API's, anyone else's, `local` (localhost, which /etc/hosts answers) or `malformed` (no host name at all); a lookup's `node` scope (a kubelet dialled by its node's name) comes from its line. */
export function nameScope(host: string): string {
  const h = host.toLowerCase();
  if (NOT_A_NAME.test(h)) return 'malformed';
  // The machine's own name, which /etc/hosts answers: asking a resolver for it is the files' fault.
  if (/^localhost\.?$|\.localhost\.?$/.test(h)) return 'local';
  if (/\.(svc|cluster\.local)$|\.svc\.|^kubernetes(\.default)?$|^[a-z0-9-]+$/.test(h))
    return 'cluster';
  if (
    /(^|\.)dkr\.ecr\.|(^|\.)(docker\.io|gcr\.io|pkg\.dev|azurecr\.io|quay\.io|ghcr\.io|public\.ecr\.aws)$/.test(
      h,
    )
  )
    return 'registry';
  return /\.(amazonaws\.com(\.cn)?|api\.aws|googleapis\.com|azure\.com|windows\.net)$/.test(h)
    ? 'provider'
    : 'other';
}

/**
 * A node's host name dialled on the kubelet's API port (`https://<node>:10250/containerLogs/…`,
 * `/exec/`, `/metrics/resource`): the API server fetching logs or metrics-server scraping. The
 * name is the node's, which cluster DNS never holds (or which only the hosts' files hold).
 */
function dialledAsKubelet(line: string, host: string): boolean {
  return line.includes(`//${host}:10250/`);
}

/**
 * Whose failure a node's or localhost's lookup shows: its own (`node`, `local`) where the answer
 * cannot be the pods' DNS failing (no such record, or a lookup that names no DNS server: the host's
 * resolver library, not Go's in a pod), else the name's ordinary scope; a cluster DNS server that
 * timed out on it is still CoreDNS down.
 */
function lookupScope(line: string, host: string, answer: string): string {
  const own = answer === 'nxdomain' || !line.includes(`${host} on `);
  if (own && dialledAsKubelet(line, host)) return 'node';
  const scope = nameScope(host);
  return scope === 'local' && !own ? 'cluster' : scope;
}

/** Adds the lookup `line` shows, if it shows one; whether it did. Evidence quotes the first line as written. */
function pushLookup(
  facts: Fact[],
  section: string,
  line: string,
  lineNo: number,
  shown = line,
): boolean {
  for (const form of FORMS) {
    const m = form(line);
    if (!m) continue;
    const answer = ANSWERS.find(([re]) => re.test(m.answer))?.[1] ?? 'unknown';
    facts.push({
      kind: 'dns.lookup',
      section,
      line: lineNo,
      text: clip(shown.trim()),
      fields: {
        host: m.host,
        scope: lookupScope(line, m.host, answer),
        answer,
      },
    });
    return true;
  }
  return false;
}

/** Failed name lookups (Go, Node, nslookup, host, nginx): the host, whose name it is, and how the resolver answered. */
export const dnsLookup: FactExtractor = {
  kind: 'dns.lookup',
  markers: [
    'lookup ',
    'getaddrinfo',
    "can't find",
    'not found: ',
    'could not be resolved',
    'find address for',
    'translate host name',
    'Failed to resolve',
    'UnknownHostException',
    'Unknown MySQL server host',
    ...GAI_MESSAGES.map((message) => `: ${message}`),
  ],
  mayContain: (text) =>
    /lookup |getaddrinfo|can.t find|not found: \d\(|could not be resolved|find address for|translate host name|Failed to resolve|UnknownHostException|Unknown MySQL server host|: (Temporary failure in|Name or service|No address associated|Non-recoverable failure|Try again|Name does not resolve)/.test(
      text,
    ),
  extract(section, text) {
    const facts: Fact[] = [];
    // A terminal or YAML wraps long messages: a lookup whose answer is on the next line is read
    // joined to it (once per line, screen-wide pieces only, so the work stays linear). Neither piece
    // reads alone, so a match in the join spans both.
    let pending: { line: string; lineNo: number } | undefined;
    forEachLine(text, (line, lineNo) => {
      const held = pending;
      pending = undefined;
      if (pushLookup(facts, section, line, lineNo)) return;
      if (
        held &&
        line.length <= WRAP_JOIN_MAX &&
        pushLookup(facts, section, `${held.line.trimEnd()} ${line.trim()}`, held.lineNo, held.line)
      )
        return;
      if (line.length <= WRAP_JOIN_MAX && line.includes('lookup ')) pending = { line, lineNo };
    });
    return facts;
  },
};
