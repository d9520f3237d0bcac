/* probe.c - see probe.h. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

#define PROBE_REPLY_MAX 2048 /* the status line and enough of the body for its reason */

/* Waits until fd is ready for `events` or the deadline passes. Returns 0, or -1. */
static int probe_wait(int fd, short events, uint64_t deadline_ms) {
    struct pollfd p = {fd, events, 0};
    for (;;) {
        uint64_t now = clock_mono_ms();
        int r;
        if (now >= deadline_ms)
            return errno = ETIMEDOUT, -1;
        r = poll(&p, 1, (int)(deadline_ms - now));
        if (r > 0)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static int probe_connect(const struct addr *a, uint64_t deadline, char *err, size_t errlen) {
    struct addrinfo hints, *res = NULL;
    char port[8];
    int fd = -1, rc, soerr = 0;
    socklen_t len = sizeof soerr;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%d", a->port);
    if ((rc = getaddrinfo(a->host, port, &hints, &res)) != 0) {
        snprintf(err, errlen, "%s: %s", a->host, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK, 0);
    if (fd < 0 || (connect(fd, res->ai_addr, res->ai_addrlen) != 0 && errno != EINPROGRESS) ||
        probe_wait(fd, POLLOUT, deadline) != 0 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
        snprintf(err, errlen, "cannot connect to %s:%d: %s", a->host, a->port,
                 strerror(soerr ? soerr : errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int probe_health(const struct addr *a, char *err, size_t errlen) {
    static const char req[] = "GET /health HTTP/1.0\r\nConnection: close\r\n\r\n";
    uint64_t deadline = clock_mono_ms() + PROBE_TIMEOUT_MS;
    char reply[PROBE_REPLY_MAX + 1];
    size_t got = 0, sent = 0;
    int fd = probe_connect(a, deadline, err, errlen), status = 0;
    const char *body;

    if (fd < 0)
        return -1;
    while (sent < sizeof req - 1) {
        ssize_t n = write(fd, req + sent, sizeof req - 1 - sent);
        if (n < 0 && (errno == EAGAIN || errno == EINTR) && probe_wait(fd, POLLOUT, deadline) == 0)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "cannot send the request: %s", strerror(errno));
            close(fd);
            return -1;
        }
        sent += (size_t)n;
    }
    while (got < PROBE_REPLY_MAX) {
        ssize_t n = read(fd, reply + got, PROBE_REPLY_MAX - got);
        if (n < 0 && (errno == EAGAIN || errno == EINTR) && probe_wait(fd, POLLIN, deadline) == 0)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    reply[got] = '\0';
    if (sscanf(reply, "HTTP/1.%*d %d", &status) != 1) {
        snprintf(err, errlen, "no HTTP answer from %s:%d", a->host, a->port);
        return -1;
    }
    if (status == 200)
        return 0;
    body = strstr(reply, "\r\n\r\n");
    snprintf(err, errlen, "status %d: %.200s", status, body ? body + 4 : "");
    return -1;
}

int probe_main(const char *prog, const char *target) {
    struct addr a;
    char err[512];
    if (addr_parse_listen(target, &a, err, sizeof err) != 0) {
        fprintf(stderr, "%s: --probe: %s\n", prog, err);
        return 2;
    }
    if (probe_health(&a, err, sizeof err) != 0) {
        fprintf(stderr, "%s: unhealthy: %s\n", prog, err);
        return 1;
    }
    printf("%s: healthy\n", prog);
    return 0;
}
