// SPDX-License-Identifier: GPL-2.0-only
// The delayed-ACK engine (quick-ACK mode, ATO, pingpong), after net/ipv4/tcp_input.c,
// tcp_output.c and include/net/inet_connection_sock.h. Pure functions of the TCB;
// time is in jiffies (CONFIG_HZ from the profile).
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

struct Jiffies
{
    int hz;
    uint64_t phase_ns = 0; // sim time 0 is this far into a tick (a recorded run's, else 0)

    uint32_t FromNs(uint64_t ns) const
    {
        return static_cast<uint32_t>((ns + phase_ns) * static_cast<uint64_t>(hz) / 1000000000ULL);
    }

    // The sim time at which jiffy j begins (0 for one that began before time 0)
    uint64_t ToNs(uint32_t j) const
    {
        const uint64_t at = (static_cast<uint64_t>(j) * 1000000000ULL + static_cast<uint64_t>(hz) - 1) /
                            static_cast<uint64_t>(hz);
        return at > phase_ns ? at - phase_ns : 0;
    }

    uint32_t AtoMin() const { return static_cast<uint32_t>(hz / 25); }     // TCP_ATO_MIN
    uint32_t DelackMin() const { return static_cast<uint32_t>(hz / 25); }  // TCP_DELACK_MIN
    uint32_t DelackMax() const { return static_cast<uint32_t>(hz / 5); }   // TCP_DELACK_MAX
    uint32_t RtoMin() const { return static_cast<uint32_t>(hz / 5); }      // TCP_RTO_MIN
    uint32_t TimeoutInit() const { return static_cast<uint32_t>(hz); }     // TCP_TIMEOUT_INIT
};

// inet_csk_{enter,exit,in}_pingpong_mode(), inet_csk_inc_pingpong_cnt()
void EnterPingpongMode(Tcb& tp, const KernelProfile& prof);
void ExitPingpongMode(Tcb& tp);
bool InPingpongMode(const Tcb& tp, const KernelProfile& prof);
void IncPingpongCnt(Tcb& tp);

// tcp_initialize_rcv_mss(): a first guess at the peer's segment size
void TcpInitializeRcvMss(Tcb& tp);

// tcp_measure_rcv_mss(): `len` is the payload, `hdr_len` the TCP header with options,
// `remnant` whether FIN/URG/SYN/PSH is set (TCP_REMNANT), `gso_size` the size of the
// segments a GSO skb stands for (0: it is one segment). From 6.5 a segment that changes
// rcv_mss also sets scaling_ratio from its len/truesize, and the window clamp.
void TcpMeasureRcvMss(Tcb& tp, const KernelProfile& prof, uint32_t len, int truesize,
                      uint32_t hdr_len, bool psh, bool remnant, uint32_t gso_size = 0);

// tcp_incr_quickack(), tcp_enter_quickack_mode()
void TcpIncrQuickack(Tcb& tp, uint32_t max_quickacks);
void TcpEnterQuickackMode(Tcb& tp, const Jiffies& j, uint32_t max_quickacks);

// tcp_in_quickack_mode()
bool TcpInQuickackMode(const Tcb& tp, const KernelProfile& prof);

// tcp_event_data_recv(), minus tcp_grow_window() which needs the skb
void TcpEventDataRecv(Tcb& tp, const Jiffies& j, uint32_t now, uint32_t rto);

// tcp_dec_quickack_mode() as called from tcp_event_ack_sent(): `acks_new_data` is
// whether an ACK was scheduled (6.6+ counting); before 6.6 every segment counted.
void TcpDecQuickackMode(Tcb& tp, const KernelProfile& prof, const Jiffies& j, bool acks_new_data);

// tcp_event_data_sent(): a reply within ATO of the last data received is interactive
void TcpEventDataSent(Tcb& tp, const KernelProfile& prof, uint32_t now);

enum class AckDecision
{
    None,
    Now,
    Delayed,
};

// Which of __tcp_ack_snd_check()'s reasons made an ACK go now
enum class AckNowWhy
{
    NoDelayedAcks,
    FullFrames,
    QuickAck,
    AckNowFlag,
};

// __tcp_ack_snd_check() (when an ACK is scheduled): now, or via the delayed-ACK timer;
// `why` (if given) says which rule chose "now"
AckDecision TcpAckSndCheck(Tcb& tp, const KernelProfile& prof, AckNowWhy* why = nullptr);

struct DelayedAck
{
    bool send_now;
    uint32_t timeout; // jiffies, when !send_now
};

// tcp_send_delayed_ack(): when the delayed-ACK timer fires. Marks the ACK scheduled.
DelayedAck TcpSendDelayedAck(Tcb& tp, const KernelProfile& prof, const Jiffies& j,
                             uint32_t now, uint32_t srtt_us);

// __tcp_cleanup_rbuf(): after the application read `copied` bytes, whether to ACK now
bool TcpCleanupRbufWantsAck(Tcb& tp, const KernelProfile& prof, int copied);

} // namespace sim
