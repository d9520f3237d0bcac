/* replay.c - see replay.h. */
#include "replay.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "csv.h"
#include "num.h"

static int replay_is_label_name(const struct csv_field *f) {
    static const char *const names[] = {"label", "is_anomaly", "anomaly"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f->len == strlen(names[i]) && memcmp(f->s, names[i], f->len) == 0)
            return 1;
    return 0;
}

enum replay_result replay_parse_line(const char *line, size_t len, int first,
                                     struct replay_layout *layout, struct replay_row *row,
                                     char *err, size_t errlen) {
    struct csv_field f[CSV_FIELDS_MAX];
    char scratch[CSV_LINE_MAX];
    int n;

    if (len > CSV_LINE_MAX) {
        snprintf(err, errlen, "line longer than %d bytes", CSV_LINE_MAX);
        return REPLAY_BAD;
    }
    n = csv_split(line, len, f, CSV_FIELDS_MAX, scratch, err, errlen);
    if (n < 0)
        return REPLAY_BAD;
    if (n < 2) {
        snprintf(err, errlen, "expected timestamp,value");
        return REPLAY_BAD;
    }
    switch (num_parse_double(f[1].s, f[1].len, NUM_LENIENT, &row->value)) {
    case NUM_OK:
        break;
    case NUM_ERANGE:
        snprintf(err, errlen, "value is not a finite number");
        return REPLAY_BAD;
    case NUM_ESYNTAX:
        if (first) {
            layout->label_col = -1;
            for (int i = 2; i < n; i++)
                if (replay_is_label_name(&f[i]))
                    layout->label_col = i;
            return REPLAY_HEADER;
        }
        snprintf(err, errlen, "value \"%.*s\" is not a number", (int)(f[1].len > 40 ? 40 : f[1].len),
                 f[1].s);
        return REPLAY_BAD;
    }
    row->has_ts = csv_parse_time(f[0].s, f[0].len, &row->ts) == 0;
    row->has_label = 0;
    row->label = 0;
    if (layout->label_col >= 0 && layout->label_col < n) {
        const struct csv_field *lf = &f[layout->label_col];
        if (lf->len == 1 && (lf->s[0] == '0' || lf->s[0] == '1')) {
            row->label = lf->s[0] == '1';
            row->has_label = 1;
        }
    }
    return REPLAY_ROW;
}

void replay_series_name(const char *path, char *out) {
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t len, n = 0;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    for (size_t i = 0; i < len && n < CODEC_SERIES_MAX; i++) {
        char c = base[i];
        out[n++] = codec_series_valid(&c, 1) ? c : '_';
    }
    if (n == 0)
        memcpy(out, CODEC_DEFAULT_SERIES, sizeof CODEC_DEFAULT_SERIES - 1), n = sizeof CODEC_DEFAULT_SERIES - 1;
    out[n] = '\0';
}
