/**
 * How many stored evidence bundles a step reads at a time (Classify, Verify, Plan's preconditions).
 * Its own file so Plan takes the number without loading the classifier.
 */

/**
 * Stored bundles read at a time. A fleet's reads overlap (1,000 S3 GETs one after another are
 * 25-60 s of latency alone). Classify and Verify let each bundle go once classified, so they hold
 * at most this many (up to 1 MiB each) whatever the fleet; Plan keeps every planned target's bundle
 * for its preconditions (at most the plan's targets).
 */
export const STORED_BUNDLES_AT_ONCE = 8;
