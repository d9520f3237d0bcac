/* replay.h - turning rows of a recorded series (CSV: timestamp,value[,label]) into points.
 * Pure: parses text handed to it; the caller reads the file. */
#ifndef BLIP_REPLAY_H
#define BLIP_REPLAY_H
#include <stddef.h>
#include <stdint.h>

struct replay_row {
    double value;
    int64_t ts;    /* Unix ms, when has_ts */
    int has_ts;
    int label;     /* 0/1, when has_label */
    int has_label;
};

enum replay_result { REPLAY_ROW, REPLAY_HEADER, REPLAY_BAD };

struct replay_layout {
    int label_col; /* column index of a label column, -1 if none */
};

/* Reads one line. The first line (first = 1) may be a header: it is recognised by a value column
 * that is not a number, and a column named label, is_anomaly or anomaly sets layout->label_col.
 * Returns REPLAY_ROW (row filled), REPLAY_HEADER, or REPLAY_BAD with the reason in err. */
enum replay_result replay_parse_line(const char *line, size_t len, int first,
                                     struct replay_layout *layout, struct replay_row *row,
                                     char *err, size_t errlen);

/* Derives a series name from a file path: the base name without extension, with characters a
 * series name may not hold replaced by '_', cut to the series limit. Writes into out
 * (at least CODEC_SERIES_MAX + 1 bytes). */
void replay_series_name(const char *path, char *out);
#endif
