/* version.h - the release every program reports with --version. */
#ifndef BLIP_VERSION_H
#define BLIP_VERSION_H
#define BLIP_VERSION "0.1.0"
#endif
