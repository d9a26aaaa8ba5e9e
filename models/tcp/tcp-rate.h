// SPDX-License-Identifier: GPL-2.0-only
// The delivery rate estimator of net/ipv4/tcp_rate.c (Linux 6.18): each skb sent
// carries a snapshot of the connection's delivery count and clocks; when it is ACKed
// or SACKed the newest such snapshot and the ACK's own clock give one rate sample
// (struct rate_sample), which BBR's bandwidth filter reads. Times are tcp_mstamp, us.
#pragma once

#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// tcp_stamp_us_delta(): t1 - t0 in us, 0 if negative, as the kernel's u32
inline uint32_t
TcpStampUsDelta(uint64_t t1, uint64_t t0)
{
    return t1 > t0 ? static_cast<uint32_t>(t1 - t0) : 0;
}

// tcp_min_rtt(): the Tcb's 0 (no sample yet) is the kernel's ~0U
inline uint32_t
TcpMinRtt(const Tcb& tp)
{
    return tp.rtt_min_us ? tp.rtt_min_us : ~0U;
}

// struct rate_sample (include/net/tcp.h): what one ACK delivered and over what time
struct RateSample
{
    uint64_t prior_mstamp = 0;    // delivered_mstamp of the newest skb ACKed (0: none)
    uint32_t prior_delivered = 0; // tp->delivered when that skb was sent
    int32_t delivered = 0;        // segments delivered over the interval (-1: no sample)
    int64_t interval_us = 0;      // the longer of the send and ACK phases (-1: no sample)
    uint32_t snd_interval_us = 0;
    uint32_t rcv_interval_us = 0;
    int64_t rtt_us = -1;           // RTT of the last (S)ACKed packet (-1: none)
    int losses = 0;                // segments newly marked lost
    uint32_t acked_sacked = 0;     // segments newly ACKed or SACKed
    uint32_t prior_in_flight = 0;  // tcp_packets_in_flight() before the ACK
    uint32_t last_end_seq = 0;     // end_seq of the newest skb ACKed
    bool is_app_limited = false;   // that skb was sent while application-limited
    bool is_retrans = false;       // that skb was a retransmission
    bool is_ack_delayed = false;   // FLAG_ACK_MAYBE_DELAYED
};

// An sent skb's snapshot (tcp_skb_cb->tx)
struct SkbTxInfo
{
    uint64_t first_tx_mstamp = 0;
    uint64_t delivered_mstamp = 0; // 0: already counted in a sample (SACKed)
    uint32_t delivered = 0;
    bool is_app_limited = false;
};

// tcp_rate_skb_sent(): the snapshot an skb takes when it is (re)sent at `tx_us`;
// with nothing in flight both clocks restart there
SkbTxInfo TcpRateSkbSent(Tcb& tp, uint64_t tx_us);

// tcp_rate_skb_delivered(): an skb sent at `tx_us` up to `end_seq` is ACKed or SACKed;
// the newest one sent decides the sample's start. `sacked`: it is SACKed (its snapshot
// is then spent); `retrans`: it was retransmitted (TCPCB_RETRANS)
void TcpRateSkbDelivered(Tcb& tp, SkbTxInfo& tx, uint64_t tx_us, uint32_t end_seq, bool sacked, bool retrans,
                         RateSample& rs);

// tcp_rate_gen(): the ACK at tp.tcp_mstamp (`now_us`) delivered `delivered` segments and
// marked `lost` lost; fills rs (delivered and interval -1: no valid sample)
void TcpRateGen(Tcb& tp, uint32_t delivered, uint32_t lost, bool is_sack_reneg, uint64_t now_us, RateSample& rs);

// tcp_rate_check_app_limited(): with less than an mss left to send, nothing in the
// host's queues, room in the congestion window and no lost data unsent, what is in
// flight now is application-limited (tp.app_limited marks its end)
void TcpRateCheckAppLimited(Tcb& tp);

} // namespace sim
