// SPDX-License-Identifier: GPL-2.0-only
// A scenario: everything a person could know before running the experiment (hosts,
// link, capture point, programs and their parameters, when processes run, ISNs, ports,
// TS clock bases) and nothing the kernel decides. Loaded from scenarios/NAME.toml.
#pragma once

#include "models/capture/link-types.h"
#include "models/capture/pcap-file.h"
#include "models/link/link-faults.h"
#include "models/programs/echo-programs.h"
#include "models/programs/http-programs.h"
#include "models/tcp/kernel-profile.h"

#include <cstdint>
#include <string>

namespace sim
{

// The link between the hosts. "loopback": both programs on one host. "ethernet": two
// hosts on a full-duplex link with a one-way delay and a rate; when the server's
// address is not on the client's /24, the server's side also answers for `gateway`
// (as VirtualBox's NAT engine does for 10.0.2.2) and the client routes through it.
struct LinkConfig
{
    std::string kind = "loopback";
    ns3::Time delay;
    uint64_t rate_bps = 1000000000;
    uint32_t mtu = 1500;
    ns3::Ipv4Address gateway;
    LinkFaults faults;
    uint32_t queue_bytes = 0; // ethernet: a tail-drop queue of this many bytes (0: ns-3's 100 packets)
};

struct Scenario
{
    std::string name;        // file stem
    std::string file;        // path it came from
    std::string description; // one line, for `sim list`
    KernelProfile profile;   // the client's host (and on loopback the only host)
    KernelProfile server_profile;
    LinkConfig link;
    LinkType capture_link = LinkType::LinuxSll;
    bool capture_on_server = false; // ethernet: whose interface the capture sees
    uint32_t snaplen = kDefaultSnaplen; // bytes kept of each frame (tcpdump -s)
    std::string client_mac = "08:00:27:00:00:01";
    std::string server_mac = "52:54:00:12:35:02";
    uint32_t ts_base = 0;   // TSval of the host's clock at time 0
    uint64_t ts_phase_ns = 0; // how far into a millisecond tick time 0 falls
    uint64_t tick_phase_ns = 0; // and into a jiffy (a timer tick, 1/CONFIG_HZ)
    // The programs: the echo pair (V1-V4, Part A) or, when these are set, Part B's HTTP
    // server and browser. server.address/port and client.address/server also hold theirs.
    EchoServerConfig server;
    EchoClientConfig client;
    std::optional<HttpServerConfig> http_server;
    std::optional<BrowserConfig> browser;
    uint64_t seed = 1;
};

// Finds a scenario by name in `root`/scenarios, or takes a path to a .toml file.
std::string ResolveScenarioPath(const std::string& name_or_path, const std::string& root);

// The scenario names in `root`/scenarios, sorted
std::vector<std::string> ListScenarios(const std::string& root);

// Reads and validates a scenario; `profile_override` replaces its kernel profile; what
// the scenario leaves to chance (ISNs, TS clock bases) is derived from `seed`.
// Throws InputError naming file, line and key.
Scenario LoadScenario(const std::string& path,
                      const std::string& root,
                      const std::string& profile_override = "",
                      uint64_t seed = 1);

// The first line of a scenario's `description`, without loading the rest
std::string ScenarioDescription(const std::string& path);

} // namespace sim
