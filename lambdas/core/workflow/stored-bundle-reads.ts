/**
 * How many stored evidence bundles a step reads at a time (Classify, Verify, Plan's preconditions).
 * Its own file so Plan takes the number without loading the classifier.
 */

/**
 * Stored bundles read at a time. A fleet's reads overlap (1,000 S3 GETs one after another are
 * 25-60 s of latency alone). Each step lets a bundle go once it is done with it (Classify and Verify
 * once classified, Plan once judged on every precondition, keeping only the outcomes and their few
 * lines), so each holds at most this many (up to 1 MiB each) whatever the fleet.
 */
export const STORED_BUNDLES_AT_ONCE = 8;
