/* fuzz_seed.h: the fixed signing seed and clock of the fuzz targets, so that their seed
 * corpora can hold genuine tokens.  Public test values, never a real key.  Includes nothing
 * of the core, so a target of core/lib alone (fuzz_token) can use it. */
#ifndef AYNI_FUZZ_SEED_H
#define AYNI_FUZZ_SEED_H

#define FUZZ_SIGNING_SEED "ayni-fuzz-signing-key-not-secret" /* 32 bytes, public */
#define FUZZ_NOW 1795348800                                  /* 2026-11-22T12:00:00Z */

#endif
