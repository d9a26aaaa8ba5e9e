// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/tcp-rate.h"

#include "models/tcp/segment.h"

#include <algorithm>

namespace sim
{

namespace
{

// tcp_skb_sent_after(): sent later, or at the same time but further in sequence
bool
SentAfter(uint64_t t1, uint64_t t2, uint32_t seq1, uint32_t seq2)
{
    return t1 > t2 || (t1 == t2 && SeqAfter(seq1, seq2));
}

} // namespace

// tcp_rate_skb_sent(): a sample must span the time the path needed for everything in
// flight, so it starts at the newest ACK; with nothing in flight any later ACK covers
// the whole trip, and both clocks restart at this send. packets_out, not the in-flight
// estimate, so that loss marks cannot shorten the interval.
SkbTxInfo
TcpRateSkbSent(Tcb& tp, uint64_t tx_us)
{
    if (!tp.packets_out)
    {
        tp.first_tx_mstamp = tx_us;
        tp.delivered_mstamp = tx_us;
    }
    SkbTxInfo tx;
    tx.first_tx_mstamp = tp.first_tx_mstamp;
    tx.delivered_mstamp = tp.delivered_mstamp;
    tx.delivered = tp.delivered;
    tx.is_app_limited = tp.app_limited != 0;
    return tx;
}

// tcp_rate_skb_delivered(): of the skbs one ACK covers, the last sent (then the
// highest) gives the sample its start; its send time ends the send phase
void
TcpRateSkbDelivered(Tcb& tp, SkbTxInfo& tx, uint64_t tx_us, uint32_t end_seq, bool sacked, bool retrans,
                    RateSample& rs)
{
    if (!tx.delivered_mstamp)
    {
        return;
    }
    if (!rs.prior_delivered || SentAfter(tx_us, tp.first_tx_mstamp, end_seq, rs.last_end_seq))
    {
        rs.prior_delivered = tx.delivered;
        rs.prior_mstamp = tx.delivered_mstamp;
        rs.is_app_limited = tx.is_app_limited;
        rs.is_retrans = retrans;
        rs.last_end_seq = end_seq;
        tp.first_tx_mstamp = tx_us;
        rs.interval_us = TcpStampUsDelta(tp.first_tx_mstamp, tx.first_tx_mstamp);
    }
    // a SACKed skb is counted once, not again when the cumulative ACK covers it
    if (sacked)
    {
        tx.delivered_mstamp = 0;
    }
}

// tcp_rate_gen(): delivered over the longer of the send phase (first to last send of
// the sampled data) and the ACK phase (its first ACK's time to now): ACK compression can
// make either one the shorter. A sample shorter than min_rtt is not trusted; an
// app-limited one is kept only if it beats the last.
void
TcpRateGen(Tcb& tp, uint32_t delivered, uint32_t lost, bool is_sack_reneg, uint64_t now_us, RateSample& rs)
{
    // the bubble the application left is ACKed and gone
    if (tp.app_limited && static_cast<int32_t>(tp.delivered - tp.app_limited) > 0)
    {
        tp.app_limited = 0;
    }
    if (delivered)
    {
        tp.delivered_mstamp = now_us;
    }
    rs.acked_sacked = delivered;
    rs.losses = static_cast<int>(lost);
    if (!rs.prior_mstamp || is_sack_reneg)
    {
        rs.delivered = -1;
        rs.interval_us = -1;
        return;
    }
    rs.delivered = static_cast<int32_t>(tp.delivered - rs.prior_delivered);
    const int64_t snd_us = rs.interval_us;
    const int64_t ack_us = TcpStampUsDelta(now_us, rs.prior_mstamp);
    rs.interval_us = std::max(snd_us, ack_us);
    rs.snd_interval_us = static_cast<uint32_t>(snd_us);
    rs.rcv_interval_us = static_cast<uint32_t>(ack_us);
    if (rs.interval_us < static_cast<int64_t>(TcpMinRtt(tp)))
    {
        rs.interval_us = -1;
        return;
    }
    if (!rs.is_app_limited ||
        uint64_t(rs.delivered) * tp.rate_interval_us >= uint64_t{tp.rate_delivered} * static_cast<uint64_t>(rs.interval_us))
    {
        tp.rate_delivered = static_cast<uint32_t>(rs.delivered);
        tp.rate_interval_us = static_cast<uint32_t>(rs.interval_us);
        tp.rate_app_limited = rs.is_app_limited;
    }
}

// tcp_rate_check_app_limited(). Its test that sk_wmem_alloc is below one skb's truesize
// (nothing queued below TCP) is taken as true: the model keeps no count of it, and on
// loopback it holds (loopback_xmit() orphans each skb as it passes)
void
TcpRateCheckAppLimited(Tcb& tp)
{
    if (tp.write_seq - tp.snd_nxt < tp.mss_cache && TcpPacketsInFlight(tp) < tp.snd_cwnd && tp.lost_out <= tp.retrans_out)
    {
        const uint32_t v = tp.delivered + TcpPacketsInFlight(tp);
        tp.app_limited = v ? v : 1;
    }
}

} // namespace sim
