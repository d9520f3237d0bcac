/* auth.c - see auth.h. */
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define AUTH_SCHEME "redis://"
#define AUTH_READ_MAX (URL_PASSWORD_MAX + 3) /* a password, "\r\n", and one byte to see excess */

int auth_password_text(const char *text, size_t len, char *out, size_t cap, char *err,
                       size_t errlen) {
    if (len > 0 && text[len - 1] == '\n') {
        len--;
        if (len > 0 && text[len - 1] == '\r')
            len--;
    }
    if (len == 0)
        return snprintf(err, errlen, "the password is empty"), -1;
    if (memchr(text, '\0', len))
        return snprintf(err, errlen, "the password contains a NUL byte"), -1;
    if (memchr(text, '\n', len) || memchr(text, '\r', len))
        return snprintf(err, errlen, "expected one line, found more"), -1;
    if (len > URL_PASSWORD_MAX || len >= cap)
        return snprintf(err, errlen, "the password is longer than %d bytes", URL_PASSWORD_MAX), -1;
    memcpy(out, text, len);
    out[len] = '\0';
    return 0;
}

/* Reads at most AUTH_READ_MAX bytes of path into buf. Returns the length, or -1 with the
 * reason (strerror's text) in err. */
static long auth_read(const char *path, char *buf, char *err, size_t errlen) {
    FILE *f = fopen(path, "re");
    size_t n;
    int failed;

    if (!f)
        return snprintf(err, errlen, "%s", strerror(errno)), -1;
    errno = 0;
    n = fread(buf, 1, AUTH_READ_MAX, f);
    failed = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (failed)
        return snprintf(err, errlen, "%s", strerror(failed)), -1;
    return (long)n;
}

int auth_apply(struct redis_url *u, const char *password_file, char *const *envp, char *err,
               size_t errlen) {
    static const char env[] = AUTH_ENV_PASSWORD "=";
    char buf[AUTH_READ_MAX], why[128];
    long n;
    int rc = 0;

    if (password_file) {
        if ((n = auth_read(password_file, buf, why, sizeof why)) < 0) {
            snprintf(err, errlen, "--%s: cannot read \"%s\": %s", AUTH_FILE_FLAG, password_file,
                     why);
            return -1;
        }
        if (auth_password_text(buf, (size_t)n, u->password, sizeof u->password, why,
                               sizeof why) != 0) {
            snprintf(err, errlen, "--%s: \"%s\": %s", AUTH_FILE_FLAG, password_file, why);
            rc = -1;
        }
        memset(buf, 0, sizeof buf);
        return rc;
    }
    for (size_t i = 0; envp && envp[i]; i++) {
        if (strncmp(envp[i], env, sizeof env - 1) != 0 || envp[i][sizeof env - 1] == '\0')
            continue;
        if (auth_password_text(envp[i] + sizeof env - 1, strlen(envp[i] + sizeof env - 1),
                               u->password, sizeof u->password, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: %s", AUTH_ENV_PASSWORD, why);
            return -1;
        }
    }
    return 0;
}

size_t auth_scrub_url(char *s) {
    size_t masked = 0;
    char *p = s;

    while ((p = strstr(p, AUTH_SCHEME)) != NULL) {
        char *user = p + sizeof AUTH_SCHEME - 1;
        size_t span = strcspn(user, "/");
        char *at = NULL, *colon;

        for (size_t i = 0; i < span; i++)
            if (user[i] == '@')
                at = user + i;
        p = user;
        if (!at)
            continue;
        colon = memchr(user, ':', (size_t)(at - user));
        for (char *q = colon ? colon + 1 : user; q < at; q++, masked++)
            *q = '*';
    }
    return masked;
}

void auth_scrub_argv(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        auth_scrub_url(argv[i]);
}
