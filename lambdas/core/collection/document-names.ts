/**
 * How Paramedic's command documents are named: the prefix of every name and its per-deployment
 * form. Apart from the catalogue (collector-documents.ts) because every function reads the prefix
 * through its settings (workflow/config.ts), and the catalogue builds its action documents when it
 * loads: a function that runs no document should not load the action catalogue to read a prefix.
 */

/** Prefix of every Paramedic document name. */
export const DOCUMENT_PREFIX = 'Paramedic-';

/**
 * The document-name prefix of one deployment: `Paramedic-` alone, or `Paramedic-<deployment>-` so
 * two deployments can coexist in one account and region (SSM document names are per region).
 * @example documentPrefixOf('prod') // 'Paramedic-prod-'
 */
export function documentPrefixOf(deploymentName?: string): string {
  return deploymentName ? `${DOCUMENT_PREFIX}${deploymentName}-` : DOCUMENT_PREFIX;
}

/**
 * The deployed name of a catalogue document (`Paramedic-CollectDockerHost`) under a deployment's
 * prefix; names already carrying that prefix are returned unchanged.
 * @example deployedDocumentName('Paramedic-CollectDockerHost', 'Paramedic-prod-') // 'Paramedic-prod-CollectDockerHost'
 */
export function deployedDocumentName(documentName: string, prefix: string): string {
  if (
    prefix === DOCUMENT_PREFIX ||
    documentName.startsWith(prefix) ||
    !documentName.startsWith(DOCUMENT_PREFIX)
  )
    return documentName;
  return `${prefix}${documentName.slice(DOCUMENT_PREFIX.length)}`;
}

// A deployment's segment: its name (lower-case letters and digits, deployment-config.ts) between
// the prefix and a catalogue name, which starts with a capital (`Paramedic-prod-DockerPruneImages`).
const DEPLOYMENT_SEGMENT = /^Paramedic-[a-z][a-z0-9]{0,15}-(?=[A-Z])/;

/**
 * The catalogue name of a document, with or without a deployment's prefix: the inverse of
 * {@link deployedDocumentName}, so a plan's step under `Paramedic-prod-` finds its catalogue entry.
 * @example catalogueDocumentName('Paramedic-prod-DockerPruneImages') // 'Paramedic-DockerPruneImages'
 */
export function catalogueDocumentName(documentName: string): string {
  return documentName.replace(DEPLOYMENT_SEGMENT, DOCUMENT_PREFIX);
}
