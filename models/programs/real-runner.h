// SPDX-License-Identifier: GPL-2.0-only
// The scenario's programs on this host's real kernel: the same EchoServerConfig and
// EchoClientConfig the simulation uses, run with real sockets in child processes, with
// the think times and sleeps as real sleeps. What the kernel does with them is what
// `sim record` captures.
#pragma once

#include "models/programs/call-timeline.h"
#include "models/programs/echo-programs.h"
#include "models/programs/http-programs.h"

#include <sys/types.h>

namespace sim
{

// Forks the server (one connection, then it exits). Returns its pid once it listens.
// With a `log`, each program writes its calls' times there.
pid_t StartRealEchoServer(const EchoServerConfig& cfg, CallTimeline* log = nullptr);

// Forks the client; returns its pid.
pid_t StartRealEchoClient(const EchoClientConfig& cfg, CallTimeline* log = nullptr);

// Forks the HTTP server: it serves one connection, sequentially, and exits when the
// connection is closed (its idle timeout, or the browser's close). Returns once it listens.
pid_t StartRealHttpServer(const HttpServerConfig& cfg, CallTimeline* log = nullptr);

// Forks the browser: its one connection, each request when the response before it is
// complete (after the request's `after`), reading as it goes; it closes when the
// server does. Returns its pid.
pid_t StartRealBrowser(const BrowserConfig& cfg, CallTimeline* log = nullptr);

// A port nobody listens on now (bind to port 0 and read it back)
uint16_t FreeTcpPort();

} // namespace sim
