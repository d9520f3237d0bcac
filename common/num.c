/* num.c - see num.h.
 * The fast path is Clinger's: a decimal with at most 19 significant digits whose mantissa fits in
 * 53 bits and whose power of ten is at most 22 in magnitude is computed with one exact multiply
 * or divide, which IEEE rounding makes correctly rounded. Everything else goes to strtod on a
 * NUL-terminated copy, so results always equal strtod's. */
#include "num.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double num_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define NUM_EXACT_MANTISSA (1ULL << 53)
#define NUM_EXACT_POW10 22
#define NUM_FAST_DIGITS 19

static int num_isdigit(char c) { return c >= '0' && c <= '9'; }

/* Case-insensitive match of s[0..len) (after an optional sign) against the non-finite words. */
static int num_is_nonfinite_word(const char *s, size_t len) {
    static const char *const words[] = {"nan", "inf", "infinity"};
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        s++;
        len--;
    }
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t wl = strlen(words[w]);
        if (wl != len)
            continue;
        size_t i = 0;
        while (i < len && (s[i] | 0x20) == words[w][i])
            i++;
        if (i == len)
            return 1;
    }
    return 0;
}

struct num_scan {
    uint64_t mantissa; /* first NUM_FAST_DIGITS significant digits */
    int digits;        /* significant digits seen (leading zeros excluded) */
    int exp10;         /* decimal exponent to apply to mantissa */
    int negative;
};

/* Checks the grammar and gathers the fast-path parts. Returns 0 or -1 (syntax). */
static int num_scan(const char *s, size_t len, enum num_mode mode, struct num_scan *sc) {
    size_t i = 0, int_digits = 0, frac_digits = 0;
    long exp = 0;

    memset(sc, 0, sizeof *sc);
    if (i < len && (s[i] == '-' || (mode == NUM_LENIENT && s[i] == '+')))
        sc->negative = s[i++] == '-';
    if (mode == NUM_JSON && i < len && s[i] == '0' && i + 1 < len && num_isdigit(s[i + 1]))
        return -1; /* JSON forbids leading zeros */
    for (; i < len && num_isdigit(s[i]); i++, int_digits++) {
        if (sc->digits == 0 && s[i] == '0')
            continue;
        if (sc->digits < NUM_FAST_DIGITS)
            sc->mantissa = sc->mantissa * 10 + (uint64_t)(s[i] - '0');
        else
            sc->exp10++;
        sc->digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && num_isdigit(s[i]); i++, frac_digits++) {
            if (sc->digits == 0 && s[i] == '0') {
                sc->exp10--;
                continue;
            }
            if (sc->digits < NUM_FAST_DIGITS) {
                sc->mantissa = sc->mantissa * 10 + (uint64_t)(s[i] - '0');
                sc->exp10--;
            }
            sc->digits++;
        }
        if (frac_digits == 0 && mode == NUM_JSON)
            return -1;
    }
    if (int_digits == 0 && (mode == NUM_JSON || frac_digits == 0))
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t start;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        start = i;
        for (; i < len && num_isdigit(s[i]); i++)
            if (exp < 100000)
                exp = exp * 10 + (s[i] - '0');
        if (i == start)
            return -1;
        sc->exp10 += (int)(eneg ? -exp : exp);
    }
    return i == len ? 0 : -1;
}

enum num_err num_parse_double(const char *s, size_t len, enum num_mode mode, double *out) {
    struct num_scan sc;
    char buf[NUM_TEXT_MAX + 1];
    double v;

    if (num_scan(s, len, mode, &sc) != 0) {
        if (mode == NUM_LENIENT && num_is_nonfinite_word(s, len))
            return NUM_ERANGE;
        return NUM_ESYNTAX;
    }
    if (len > NUM_TEXT_MAX)
        return NUM_ERANGE;
    if (sc.digits <= NUM_FAST_DIGITS && sc.mantissa <= NUM_EXACT_MANTISSA &&
        sc.exp10 >= -NUM_EXACT_POW10 && sc.exp10 <= NUM_EXACT_POW10) {
        v = (double)sc.mantissa;
        v = sc.exp10 < 0 ? v / num_pow10[-sc.exp10] : v * num_pow10[sc.exp10];
        *out = sc.negative ? -v : v;
        return NUM_OK;
    }
    if (sc.mantissa == 0 && sc.digits == 0) {
        *out = sc.negative ? -0.0 : 0.0;
        return NUM_OK;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    v = strtod(buf, NULL);
    if (!isfinite(v))
        return NUM_ERANGE;
    *out = v;
    return NUM_OK;
}

int num_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out) {
    size_t i = 0;
    int neg = 0;
    uint64_t acc = 0, limit;

    if (len == 0)
        return -1;
    if (s[0] == '-' || s[0] == '+')
        neg = s[i++] == '-';
    if (i == len)
        return -1;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        if (!num_isdigit(s[i]))
            return -1;
        if (acc > (limit - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        acc = acc * 10 + (uint64_t)(s[i] - '0');
    }
    int64_t v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Drops the '+' and leading zeros printf puts in an exponent: "1e+21" -> "1e21", "1e-05" ->
 * "1e-5". Returns the new length. */
static size_t num_trim_exponent(char *buf, size_t n) {
    char *e = memchr(buf, 'e', n);
    char *digits, *first;

    if (!e)
        return n;
    digits = e + 1 + (e[1] == '-');
    first = e + 1 + (e[1] == '-' || e[1] == '+');
    while (*first == '0' && first[1] != '\0')
        first++;
    memmove(digits, first, (size_t)(buf + n - first) + 1);
    return n - (size_t)(first - digits);
}

size_t num_format_double(double v, char *buf) {
    int n = 0;
    if (!isfinite(v)) {
        memcpy(buf, "0", 2);
        return 1;
    }
    /* 15 digits always read back for normal doubles when any shorter text does (DBL_DIG);
     * subnormals have fewer significant bits, so their search starts at one digit. */
    for (int prec = fabs(v) < DBL_MIN ? 1 : DBL_DIG; prec <= 17; prec++) {
        n = snprintf(buf, NUM_FMT_MAX, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return num_trim_exponent(buf, (size_t)n);
}

size_t num_format_i64(int64_t v, char *buf) {
    char tmp[NUM_FMT_MAX];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

size_t num_format_fixed(double v, int decimals, char *buf) {
    static const int64_t scale[] = {1,      10,      100,      1000,      10000,
                                    100000, 1000000, 10000000, 100000000, 1000000000};
    int64_t whole, frac, scaled;
    size_t n = 0;

    if (!isfinite(v))
        v = 0;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    if (fabs(v) >= 1e9) {
        int wide = snprintf(buf, NUM_FMT_MAX, "%.*f", decimals, v);
        /* too wide for the buffer (|v| >= ~1e21, an integer anyway): the shortest exact text */
        return wide < NUM_FMT_MAX ? (size_t)wide : num_format_double(v, buf);
    }
    scaled = llround(v * (double)scale[decimals]);
    if (scaled < 0) {
        buf[n++] = '-';
        scaled = -scaled;
    }
    whole = scaled / scale[decimals];
    frac = scaled % scale[decimals];
    n += num_format_i64(whole, buf + n);
    if (decimals > 0) {
        buf[n++] = '.';
        for (int d = decimals - 1; d >= 0; d--) {
            buf[n + (size_t)d] = (char)('0' + frac % 10);
            frac /= 10;
        }
        n += (size_t)decimals;
    }
    buf[n] = '\0';
    return n;
}
