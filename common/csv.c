/* csv.c - see csv.h. */
#include "csv.h"

#include <stdio.h>
#include <string.h>

#include "num.h"

static int csv_fail(char *err, size_t errlen, const char *why) {
    if (errlen)
        snprintf(err, errlen, "%s", why);
    return -1;
}

static void csv_trim(struct csv_field *f) {
    while (f->len && (f->s[0] == ' ' || f->s[0] == '\t')) {
        f->s++;
        f->len--;
    }
    while (f->len && (f->s[f->len - 1] == ' ' || f->s[f->len - 1] == '\t'))
        f->len--;
}

/* Reads a quoted field starting after its opening quote at line[*i]. */
static int csv_quoted(const char *line, size_t len, size_t *i, struct csv_field *f, char **scratch,
                      char *err, size_t errlen) {
    char *out = *scratch;
    size_t n = 0;
    for (;;) {
        if (*i >= len)
            return csv_fail(err, errlen, "unterminated quoted field");
        if (line[*i] == '"') {
            if (*i + 1 < len && line[*i + 1] == '"') {
                out[n++] = '"';
                *i += 2;
                continue;
            }
            (*i)++;
            break;
        }
        out[n++] = line[(*i)++];
    }
    while (*i < len && (line[*i] == ' ' || line[*i] == '\t'))
        (*i)++;
    if (*i < len && line[*i] != ',')
        return csv_fail(err, errlen, "text after a closing quote");
    f->s = out;
    f->len = n;
    *scratch = out + n;
    return 0;
}

int csv_split(const char *line, size_t len, struct csv_field *f, size_t max, char *scratch,
              char *err, size_t errlen) {
    size_t i = 0, nf = 0;

    if (len && line[len - 1] == '\r')
        len--;
    for (;;) {
        size_t start;
        if (nf >= max)
            return csv_fail(err, errlen, "too many fields");
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i < len && line[i] == '"') {
            i++;
            if (csv_quoted(line, len, &i, &f[nf], &scratch, err, errlen) != 0)
                return -1;
        } else {
            start = i;
            while (i < len && line[i] != ',')
                i++;
            f[nf].s = line + start;
            f[nf].len = i - start;
            csv_trim(&f[nf]);
        }
        nf++;
        if (i >= len)
            return (int)nf;
        i++; /* the comma */
    }
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil). */
static int64_t csv_days(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int csv_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Reads exactly n digits at s[*i]. Returns the value or -1. */
static int64_t csv_digits(const char *s, size_t len, size_t *i, size_t n) {
    int64_t v = 0;
    if (*i + n > len)
        return -1;
    for (size_t k = 0; k < n; k++) {
        char c = s[*i + k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += n;
    return v;
}

static int csv_expect(const char *s, size_t len, size_t *i, char c) {
    if (*i < len && s[*i] == c) {
        (*i)++;
        return 0;
    }
    return -1;
}

static int csv_parse_datetime(const char *s, size_t len, int64_t *ms) {
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t i = 0;
    int64_t y, mo, d, h, mi, sec = 0, frac = 0;

    if ((y = csv_digits(s, len, &i, 4)) < 0 || csv_expect(s, len, &i, '-') ||
        (mo = csv_digits(s, len, &i, 2)) < 1 || mo > 12 || csv_expect(s, len, &i, '-') ||
        (d = csv_digits(s, len, &i, 2)) < 1 || d > mdays[mo - 1])
        return -1;
    if (mo == 2 && d == 29 && !csv_leap(y))
        return -1;
    if (i >= len || (s[i] != ' ' && s[i] != 'T'))
        return -1;
    i++;
    if ((h = csv_digits(s, len, &i, 2)) < 0 || h > 23 || csv_expect(s, len, &i, ':') ||
        (mi = csv_digits(s, len, &i, 2)) < 0 || mi > 59)
        return -1;
    if (i < len && s[i] == ':') {
        i++;
        if ((sec = csv_digits(s, len, &i, 2)) < 0 || sec > 60)
            return -1;
        if (i < len && s[i] == '.') {
            int64_t scale = 100;
            i++;
            if (i >= len || s[i] < '0' || s[i] > '9')
                return -1;
            for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
                frac += (s[i] - '0') * scale;
        }
    }
    if (i < len && s[i] == 'Z')
        i++;
    if (i != len)
        return -1;
    *ms = ((csv_days(y, mo, d) * 24 + h) * 60 + mi) * 60000 + sec * 1000 + frac;
    return 0;
}

int csv_parse_time(const char *s, size_t len, int64_t *ms) {
    double v;
    if (num_parse_double(s, len, NUM_LENIENT, &v) == NUM_OK) {
        if (v < 0 || v > 1e16)
            return -1;
        *ms = v >= CSV_EPOCH_MS_MIN ? (int64_t)v : (int64_t)(v * 1000.0 + 0.5);
        return 0;
    }
    return csv_parse_datetime(s, len, ms);
}
