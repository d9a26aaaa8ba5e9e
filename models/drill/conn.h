// SPDX-License-Identifier: GPL-2.0-only
// One connection as packetdrill tracks it (struct socket in socket.h): its state in the
// script's eyes, the live 4-tuple, and the numbers that map between the script's
// sequence space and the live one. Outbound and inbound sequence numbers are relative
// to each side's ISN, except in SYNs, whose script value is kept (plus the local
// ISN's difference); TS echo replies are mapped back to the live TS values the stack
// sent (socket.h *_offset(), run_packet.c map_inbound_packet()).
#pragma once

#include "models/tcp/linux-tcp-socket.h"

#include <ns3/ptr.h>

#include <cstdint>
#include <unordered_map>

namespace sim::drill
{

// enum socket_state_t
enum class ConnState
{
    New,
    PassiveListening,
    PassivePacketReceived, // the script's SYN injected
    PassiveSynackSent,
    PassiveSynackAcked,
    ActiveConnecting, // connect() called
    ActiveSynSent,    // the script's outbound SYN line seen
    ActiveSynAcked,
};

struct Conn
{
    ConnState state = ConnState::New;
    int fd = -1; // the script's fd, once it has one
    ns3::Ptr<LinuxTcpSocket> sock;
    // live 4-tuple (host order addresses)
    uint32_t local_ip = 0;
    uint16_t local_port = 0;
    uint32_t remote_ip = 0;
    uint16_t remote_port = 0;
    // an active connection's live tuple is known once its SYN has been matched to the
    // script's SYN line (find_connect_for_live_packet()); until then its packets match
    // no connection and are passed over
    bool live_tuple_known = false;
    // ISNs: the script's local ISN comes from its SYN / SYN-ACK line, the live one from
    // the stack's; the remote ISN is the same in both spaces (the script's SYN seq)
    uint32_t script_local_isn = 0;
    uint32_t live_local_isn = 0;
    uint32_t remote_isn = 0;
    // TS val the script wrote -> TS val the stack sent (ts_val_map), and the first pair
    std::unordered_map<uint32_t, uint32_t> ts_val_map;
    bool found_first_ts = false;
    uint32_t first_script_ts_val = 0;
    uint32_t first_actual_ts_val = 0;

    // remote_seq_script_to_live_offset() and local_seq_script_to_live_offset()
    uint32_t RemoteOffset(bool syn) const { return syn ? 0 : remote_isn; }
    uint32_t LocalOffset(bool syn) const { return syn ? live_local_isn - script_local_isn : live_local_isn; }
};

} // namespace sim::drill
