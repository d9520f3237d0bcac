/* http_sink - a tiny HTTP server for the webhook tests: appends one line per request to FILE,
 * "<METHOD> <URI> <Content-Type> <body>", and answers 500 to the first FAIL_FIRST requests, 200
 * to the rest; with "hang" instead of a number it never answers (for timeouts). Listens on
 * 127.0.0.1:PORT until SIGTERM or SIGINT.
 * usage: http_sink PORT FILE [FAIL_FIRST|hang] */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sink {
    FILE *out;
    long fail_first;
    long seen;
    int hang;
};

static const char *sink_method(enum evhttp_cmd_type t) {
    switch (t) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_PUT:
        return "PUT";
    default:
        return "OTHER";
    }
}

static void sink_request(struct evhttp_request *req, void *arg) {
    struct sink *s = arg;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    char *body = malloc(len + 1);
    const char *type = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
    int status = ++s->seen <= s->fail_first ? 500 : 200;

    if (!body)
        abort();
    evbuffer_remove(in, body, len);
    body[len] = '\0';
    fprintf(s->out, "%s %s %s %s\n", sink_method(evhttp_request_get_command(req)),
            evhttp_request_get_uri(req), type ? type : "-", body);
    fflush(s->out);
    free(body);
    if (s->hang)
        return; /* evhttp frees the request with its connection */
    evhttp_send_reply(req, status, status == 200 ? "OK" : "Internal Server Error", NULL);
}

static void sink_stop(evutil_socket_t sig, short what, void *arg) {
    (void)sig;
    (void)what;
    event_base_loopbreak(arg);
}

int main(int argc, char **argv) {
    struct sink s = {NULL, 0, 0, 0};
    struct event_base *base;
    struct evhttp *http;
    struct event *term, *intr;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: http_sink PORT FILE [FAIL_FIRST|hang]\n");
        return 2;
    }
    s.out = fopen(argv[2], "a");
    s.hang = argc == 4 && strcmp(argv[3], "hang") == 0;
    s.fail_first = argc == 4 && !s.hang ? atol(argv[3]) : 0;
    base = event_base_new();
    http = base ? evhttp_new(base) : NULL;
    if (!s.out || !http || evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)atoi(argv[1])) != 0) {
        fprintf(stderr, "http_sink: cannot listen on 127.0.0.1:%s\n", argv[1]);
        return 1;
    }
    evhttp_set_gencb(http, sink_request, &s);
    term = evsignal_new(base, SIGTERM, sink_stop, base);
    intr = evsignal_new(base, SIGINT, sink_stop, base);
    evsignal_add(term, NULL);
    evsignal_add(intr, NULL);
    event_base_dispatch(base);
    event_free(term);
    event_free(intr);
    evhttp_free(http);
    event_base_free(base);
    fclose(s.out);
    return 0;
}
