/* offline.h - the detector without Redis: CSV timestamp,value in, CSV
 * timestamp,value,score,anomaly,severity out, one output row per input row in the same order,
 * scored by the same detect_push() as the live path: `anomaly` is 1 exactly for the points the
 * live detector publishes on its anomalies channel. The first line is a header when its value
 * column is not a number. A row that cannot be read is counted and logged (rate-limited) and
 * still gets its output row, with an empty score and anomaly 0. */
#ifndef BLIP_OFFLINE_H
#define BLIP_OFFLINE_H
#include <stdint.h>
#include <stdio.h>

#include "detect.h"

#define OFFLINE_IOBUF (1 << 20) /* read and write buffer, bytes */

struct offline_counters {
    uint64_t rows;      /* data rows read (header and blank lines excluded) */
    uint64_t bad_rows;  /* rows that could not be scored */
    uint64_t anomalies; /* rows flagged */
};

/* Scores every row of in into out. Returns 0, or -1 on a read or write error (reason in err). */
int offline_run(struct detect *d, FILE *in, FILE *out, struct offline_counters *c, char *err,
                size_t errlen);
#endif
