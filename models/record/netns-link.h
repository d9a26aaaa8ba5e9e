// SPDX-License-Identifier: GPL-2.0-only
// An ethernet scenario's link built on this host's kernel for `sim record`: the client
// and the server each in a network namespace of its own, with one veth interface
// carrying the scenario's address (one /24), MAC and MTU, and a third namespace in the
// middle whose bridge joins the veths' other ends. The bridge passes frames as they
// are (the capture shows the two hosts' own MACs, as the simulation's point-to-point
// link does) and drops the packets of the scenario's [link] drop lists (drop-rules.h).
// Nothing delays them: the link has no rate and no delay (sch_netem, which would give
// them, is not in this project's kernel).
#pragma once

#include "models/scenario/scenario.h"

#include <string>
#include <vector>

namespace sim
{

class NetnsLink
{
  public:
    // Builds it (`ip`, and `nft` for drops); throws InputError (one line) after
    // taking down what it had made
    explicit NetnsLink(const Scenario& sc);
    // Deletes the namespaces (their interfaces go with them)
    ~NetnsLink();
    NetnsLink(const NetnsLink&) = delete;
    NetnsLink& operator=(const NetnsLink&) = delete;

    const std::string& ClientNs() const { return m_client; }
    const std::string& ServerNs() const { return m_server; }
    // The host whose interface the scenario captures on, and that interface
    const std::string& CaptureNs() const { return m_capture_on_server ? m_server : m_client; }
    std::string CaptureDevice() const { return m_capture_on_server ? kServerDev : kClientDev; }

    static constexpr const char* kClientDev = "client"; // in the client's namespace
    static constexpr const char* kServerDev = "server"; // in the server's

  private:
    void Build(const Scenario& sc);
    void TakeDown() noexcept;

    std::string m_ip; // the ip command
    std::string m_client, m_middle, m_server;
    std::vector<std::string> m_made; // namespaces made so far
    bool m_capture_on_server = false;
};

// Deletes namespaces a recorder that died left behind (its pid is in their names)
void RemoveStaleRecordNetns(const std::string& ip);

} // namespace sim
