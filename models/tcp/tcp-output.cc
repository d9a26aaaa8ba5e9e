// SPDX-License-Identifier: GPL-2.0-only
// What goes on the wire, after net/ipv4/tcp_output.c: __tcp_transmit_skb(),
// tcp_write_xmit() with the Nagle test, tcp_send_ack(), tcp_send_fin(),
// tcp_send_active_reset(), tcp_connect() and tcp_make_synack().
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/options.h"
#include "models/tcp/payload-store.h"
#include "models/tcp/sack-blocks.h"
#include "models/tcp/send-policy.h"
#include "models/tcp/tcp-cong.h"
#include "models/tcp/ts-clock.h"
#include "models/tcp/window.h"

#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

using namespace ns3;

// sk_gso_max_size of the loopback and Ethernet devices, and MAX_TCP_HEADER on x86_64
inline constexpr uint32_t GSO_MAX_SIZE = 65536;
inline constexpr uint32_t MAX_TCP_HEADER = 320;
inline constexpr uint32_t ETH_HLEN = 14; // the header lo's eth_header() puts in front

// The payload rides beside the packet (PayloadStore); in the packet it is ns-3's
// virtual zero-filled area, which costs no copy and no memory. The capture writes the
// content and the TCP checksum over it (CaptureTap).
static Ptr<Packet>
MakePacket(const Payload& data,
           const SendNote& note,
           std::shared_ptr<const int> dataref = nullptr,
           uint32_t gso_size = 0,
           uint32_t frags = 1)
{
    Ptr<Packet> p = Create<Packet>(static_cast<uint32_t>(data.size()));
    PayloadStore::Put(p->GetUid(), data, note, std::move(dataref), gso_size, frags);
    return p;
}

// The TCP checksum is left to the capture, which has the content (CaptureTap): here
// it would cost a pass over the payload of every segment
static void
FinishHeader(WireTcpHeader& th, Ptr<Packet> p)
{
    p->AddHeader(th);
}

// A segment of this connection: __tcp_transmit_skb()
Ptr<Packet>
LinuxTcpSocket::BuildSegment(uint32_t seq, uint8_t flags, const Payload& data, std::shared_ptr<const int> dataref)
{
    WireTcpHeader th = SegmentHeader(seq, flags);
    return FinishSegment(th, data, std::move(dataref));
}

// __tcp_transmit_skb() for a GSO skb. validate_xmit_skb() -> gso_features_check():
// a GSO packet of the device's gso_max_size or more (65536 on lo; the length counts the
// Ethernet, IP and TCP headers) loses GSO, and skb_gso_segment() -> tcp_gso_segment()
// cuts it into gso_size pieces before the capture (dev_queue_xmit_nit()): the header
// copied to each, seq advanced, PSH and FIN on the last only (CWR, first only, is not
// modelled: no ECN).
// The pieces are new skbs sharing the page frags (skb_segment()), not clones.
std::vector<Ptr<Packet>>
LinuxTcpSocket::BuildGsoPackets(uint32_t seq,
                                uint8_t flags,
                                const Payload& data,
                                uint32_t pcount,
                                uint32_t gso_size,
                                std::shared_ptr<const int> dataref)
{
    WireTcpHeader th = SegmentHeader(seq, flags);
    if (!m_tp.gso_max_size || pcount <= 1 || data.size() <= gso_size)
    {
        return {FinishSegment(th, data, std::move(dataref))};
    }
    const uint64_t wire = uint64_t{ETH_HLEN} + IPV4_TCP_HEADERS + (m_tp.tcp_header_len - TCP_BASE_HEADER_LEN) +
                          data.size();
    if (wire < GSO_MAX_SIZE)
    {
        // one GSO packet: the receiver's skb stands for segments of gso_size
        return {FinishSegment(th, data, std::move(dataref), gso_size)};
    }
    std::vector<Ptr<Packet>> out;
    for (size_t off = 0; off < data.size(); off += gso_size)
    {
        const size_t len = std::min<size_t>(gso_size, data.size() - off);
        const bool last = off + len == data.size();
        uint8_t f = flags;
        if (!last)
        {
            f &= static_cast<uint8_t>(~(TCPHDR_FIN | TCPHDR_PSH));
        }
        WireTcpHeader piece = th;
        piece.SetSequenceNumber(SequenceNumber32(seq + static_cast<uint32_t>(off)));
        piece.SetFlags(f);
        out.push_back(FinishSegment(piece, data.substr(off, len), nullptr));
    }
    return out;
}

// The header of a segment of this connection, options included: __tcp_transmit_skb()
WireTcpHeader
LinuxTcpSocket::SegmentHeader(uint32_t seq, uint8_t flags)
{
    WireTcpHeader th;
    th.SetSourcePort(m_localPort);
    th.SetDestinationPort(m_peerPort);
    th.SetSequenceNumber(SequenceNumber32(seq));
    th.SetAckNumber(SequenceNumber32((flags & TCPHDR_ACK) ? m_tp.rcv_nxt : 0));
    th.SetFlags(flags);
    if (m_prof->fixed_window)
    {
        th.SetWindowSize(static_cast<uint16_t>(m_prof->fixed_window));
    }
    else if (flags & TCPHDR_SYN)
    {
        // RFC 7323: scaling starts after the handshake; a SYN carries at most 65535
        th.SetWindowSize(static_cast<uint16_t>(std::min(m_tp.rcv_wnd, 65535u)));
    }
    else
    {
        th.SetWindowSize(TcpSelectWindow(m_tp, *m_prof));
    }
    if (flags & TCPHDR_SYN)
    {
        SynOptions o;
        o.mss = static_cast<uint16_t>(m_tp.advmss);
        o.sack_perm = m_prof->tcp_sack;
        o.ts = m_prof->tcp_timestamps;
        o.tsval = TcpTsval(m_tp);
        o.tsecr = 0;
        o.ws = m_prof->tcp_window_scaling;
        o.wscale = m_tp.rcv_wscale;
        AppendSynOptions(th, o);
    }
    else
    {
        // tcp_established_options(): the SACK blocks fit beside the timestamps
        SackBlock blocks[TCP_NUM_SACKS + 1];
        const int nblocks = TcpSackBlocksToSend(m_tp, EstablishedOptionsLen(m_tp.tstamp_ok));
        TcpSackBlocksWritten(m_tp, blocks, nblocks);
        AppendEstablishedOptions(th, m_tp.tstamp_ok, TcpTsval(m_tp), m_tp.ts_recent, blocks, nblocks);
    }
    return th;
}

Ptr<Packet>
LinuxTcpSocket::FinishSegment(WireTcpHeader& th,
                              const Payload& data,
                              std::shared_ptr<const int> dataref,
                              uint32_t gso_size)
{
    const uint32_t frags = data.empty() ? 1 : PageFragsOf(th.GetSequenceNumber().GetValue(), static_cast<uint32_t>(data.size()));
    Ptr<Packet> p = MakePacket(data, PayloadStore::KeepingNotes() ? SendNote{m_why, Snapshot()} : SendNote{},
                               std::move(dataref), gso_size, frags);
    if (m_traces && !m_traces->tx.IsEmpty())
    {
        TraceTx(p, th); // the Tx trace source: payload and header, as TcpSocketBase's
    }
    FinishHeader(th, p);
    // __ip_queue_xmit(): the socket's TOS (IP_TOS, inet->tos) in every packet
    if (GetIpTos())
    {
        SocketIpTosTag tos;
        tos.SetTos(GetIpTos());
        p->AddPacketTag(tos);
    }
    // __tcp_transmit_skb(): the departure time, never earlier than the last one's
    m_tp.tcp_wstamp_ns = std::max(m_tp.tcp_wstamp_ns, m_tp.tcp_clock_cache);
    return p;
}

// What `sim explain` shows of the socket beside each segment it sent
SocketSnapshot
LinuxTcpSocket::Snapshot() const
{
    SocketSnapshot s;
    s.snd_una = m_tp.snd_una;
    s.snd_nxt = m_tp.snd_nxt;
    s.rcv_nxt = m_tp.rcv_nxt;
    s.rcv_wnd = m_tp.rcv_wnd;
    s.rcvbuf = m_tp.rcvbuf;
    s.rmem_alloc = m_tp.rmem_alloc;
    s.space = TcpSpace(m_tp, *m_prof);
    s.rcv_ssthresh = m_tp.rcv_ssthresh;
    s.window_clamp = m_tp.window_clamp;
    s.rcv_wscale = m_tp.rcv_wscale;
    s.snd_cwnd = m_tp.snd_cwnd;
    s.ato_ms = static_cast<uint32_t>(uint64_t{m_tp.ack.ato} * 1000 / static_cast<uint64_t>(m_prof->hz));
    s.pingpong = InPingpongMode(m_tp, *m_prof);
    s.quick = m_tp.ack.quick;
    s.valid = true;
    return s;
}

// tcp_event_ack_sent(): the delayed ACK is no longer needed
void
LinuxTcpSocket::EventAckSent()
{
    TcpDecQuickackMode(m_tp, *m_prof, m_j, (m_tp.ack.pending & ICSK_ACK_SCHED) != 0);
    m_tp.ack.pending = 0; // inet_csk_clear_xmit_timer(ICSK_TIME_DACK)
    m_delackTimer.Cancel();
    m_compressedAck = 0;
    m_compressedAckTimer.Cancel();
}

// tcp_transmit_skb() for a queued skb (GSO segments of mss_now, else tcp_current_mss()),
// then tcp_event_new_data_sent(). False: a local qdisc dropped it, and it stays unsent.
bool
LinuxTcpSocket::TransmitSkb(Skb& skb, uint32_t mss_now)
{
    uint8_t flags = skb.flags;
    if (!(flags & TCPHDR_SYN) || m_tp.state != TcpState::SynSent)
    {
        flags |= TCPHDR_ACK;
    }
    // __tcp_transmit_skb(): every GSO packet of more than one segment carries PSH (it
    // speeds the receiver's GRO flush); set on the copy that leaves, not on the skb
    if (skb.pcount > 1)
    {
        flags |= TCPHDR_PSH;
    }
    // on loopback the peer receives a clone of this skb: its data stays shared until
    // the skb leaves our retransmit queue (tcp_clean_rtx_queue() frees it)
    if (m_tp.gso_max_size && !skb.data.empty() && !skb.dataref)
    {
        skb.dataref = std::make_shared<const int>(0);
    }
    const uint64_t prior_wstamp = m_tp.tcp_wstamp_ns; // before __tcp_transmit_skb() moves it
    const std::vector<Ptr<Packet>> packets =
        BuildGsoPackets(skb.seq, flags, skb.data, skb.pcount, mss_now ? mss_now : CurrentMss(),
                        m_tp.gso_max_size ? skb.dataref : nullptr);
    if (flags & TCPHDR_ACK)
    {
        EventAckSent();
    }
    if (!skb.data.empty())
    {
        // tcp_event_data_sent(): the first send with nothing in flight
        if (PacketsInFlight() == 0)
        {
            CaTxStart(); // tcp_ca_event(CA_EVENT_TX_START)
        }
        TcpEventDataSent(m_tp, *m_prof, NowJiffies());
    }
    if (m_tcp->QdiscDropsAll())
    {
        // __tcp_transmit_skb(): NET_XMIT_DROP from the qdisc is a local congestion
        // signal (tcp_enter_cwr()); tcp_write_xmit() stops, the skb stays unsent
        TransmitPackets(packets);
        EnterCwr();
        return false;
    }
    skb.sent = true;
    skb.sent_ns = NowNs();
    skb.pcount = std::max(skb.pcount, 1u);
    SkbSent(skb, prior_wstamp);
    // tcp_event_new_data_sent(): the RTO starts with the first segment out, or takes
    // over from a pending loss probe
    const uint32_t prior_packets = m_tp.packets_out;
    m_tp.packets_out += skb.pcount;
    if (!prior_packets || m_xmitPending == XmitTimer::LossProbe)
    {
        RearmRto();
    }
    if (SeqAfter(skb.end_seq, m_tp.snd_nxt))
    {
        if (m_ns3Api && !skb.data.empty())
        {
            // ns-3's NotifyDataSent(): the bytes past snd_nxt that leave the first time
            const uint32_t data_end = skb.seq + static_cast<uint32_t>(skb.data.size());
            const uint32_t from = SeqAfter(m_tp.snd_nxt, skb.seq) ? m_tp.snd_nxt : skb.seq;
            if (SeqAfter(data_end, from))
            {
                NewDataSent(data_end - from);
            }
        }
        m_tp.snd_nxt = skb.end_seq;
    }
    TransmitPackets(packets);
    return true;
}

// __tcp_transmit_skb() after a data skb left: segments counted (tp->data_segs_out),
// the next departure time set by the pacing rate (tcp_update_skb_after_send()) and the
// delivery snapshot taken (tcp_rate_skb_sent()), before packets_out counts it
void
LinuxTcpSocket::SkbSent(Skb& skb, uint64_t prior_wstamp)
{
    if (!skb.data.empty())
    {
        m_tp.data_segs_out += std::max(skb.pcount, 1u);
    }
    // tcp_update_skb_after_send(): with pacing asked for, the next skb leaves len/rate
    // later, less the credit of a late start (at most half: OS jitter), except for the
    // first 10 segments (sch_fq does not pace those either)
    const uint64_t rate = m_tp.sk_pacing_rate;
    if (m_tp.pacing_needed && rate != ~0ULL && rate && m_tp.data_segs_out >= 10)
    {
        // the queued skb's len: its data (the header went on the clone that left)
        uint64_t len_ns = uint64_t{skb.data.size()} * 1000000000ULL / rate;
        const uint64_t credit = m_tp.tcp_wstamp_ns - prior_wstamp;
        len_ns -= std::min(len_ns / 2, credit);
        m_tp.tcp_wstamp_ns += len_ns;
    }
    skb.tx = TcpRateSkbSent(m_tp, skb.sent_ns / 1000);
}

void
LinuxTcpSocket::TransmitPackets(const std::vector<Ptr<Packet>>& packets)
{
    for (const Ptr<Packet>& p : packets)
    {
        m_tcp->Transmit(p, m_local, m_peer);
    }
}

void
LinuxTcpSocket::SetNoDelay(bool on)
{
    m_tp.nodelay = on;
    if (on)
    {
        m_tp.nagle_push = true;
        if (m_tp.state == TcpState::Established || m_tp.state == TcpState::CloseWait)
        {
            PushPendingFrames();
        }
    }
}

void
LinuxTcpSocket::SetCork(bool on)
{
    m_tp.cork = on;
    if (!on)
    {
        if (m_tp.nodelay)
        {
            m_tp.nagle_push = true;
        }
        if (m_tp.state == TcpState::Established || m_tp.state == TcpState::CloseWait)
        {
            PushPendingFrames();
        }
    }
}

int
LinuxTcpSocket::Nonagle() const
{
    return (m_tp.nodelay ? TCP_NAGLE_OFF : 0) | (m_tp.cork ? TCP_NAGLE_CORK : 0) |
           (m_tp.nagle_push ? TCP_NAGLE_PUSH : 0);
}

// tcp_current_mss(): mss_cache already excludes the timestamp option; SACK blocks the
// next segment would carry take their room from it
uint32_t
LinuxTcpSocket::CurrentMss() const
{
    const int nblocks = TcpSackBlocksToSend(m_tp, EstablishedOptionsLen(m_tp.tstamp_ok));
    return nblocks ? m_tp.mss_cache - (4 + 8 * static_cast<uint32_t>(nblocks)) : m_tp.mss_cache;
}

// tcp_tso_segs()
uint32_t
LinuxTcpSocket::TsoSegs(uint32_t mss_now) const
{
    TsoSizing in;
    in.gso_max_size = m_tp.gso_max_size;
    in.pacing_rate = m_tp.sk_pacing_rate;
    in.min_rtt_us = m_tp.rtt_min_us;
    in.tso_rtt_log = static_cast<uint32_t>(m_prof->tcp_tso_rtt_log);
    // ca_ops->min_tso_segs (bbr_min_tso_segs()) where the congestion control has one
    in.min_tso_segs = m_prof->congestion_control == CongestionControl::Bbr ? BbrMinTsoSegs(m_tp)
                                                                           : static_cast<uint32_t>(m_prof->tcp_min_tso_segs);
    return TcpTsoSegs(mss_now, in);
}

// tcp_xmit_size_goal(): how much tcp_sendmsg() puts in one skb (GSO on)
uint32_t
LinuxTcpSocket::SizeGoal() const
{
    const uint32_t mss_now = CurrentMss();
    const uint32_t new_size_goal = TcpBoundToHalfWnd(m_tp, GSO_MAX_SIZE - 1 - MAX_TCP_HEADER);
    const uint32_t gso_segs = std::min<uint32_t>(new_size_goal / mss_now, 65535);
    return std::max(gso_segs * mss_now, mss_now);
}

// tcp_grow_skb(): top up the send head to `amount` more bytes with the start of the
// skb after it; an skb emptied that way is eaten, its flags (PSH, FIN) and end
// joining the head (tcp_eat_one_skb())
static void
GrowSkb(std::deque<Skb>& queue, size_t i, uint32_t amount)
{
    if (i + 1 >= queue.size())
    {
        return; // the last skb: nothing after it to take from
    }
    Skb& skb = queue[i];
    Skb& next = queue[i + 1];
    if (skb.eor)
    {
        return; // tcp_skb_can_collapse(): nothing joins an skb that ends a record
    }
    const uint32_t nlen = std::min<uint32_t>(amount, static_cast<uint32_t>(next.data.size()));
    if (nlen == 0)
    {
        return;
    }
    skb.data.append(next.data, 0, nlen);
    skb.end_seq += nlen;
    skb.truesize += static_cast<int>(nlen); // skb_shift() moves the frags' truesize
    next.data = next.data.substr(nlen);
    next.seq += nlen;
    next.truesize -= static_cast<int>(nlen);
    if (next.data.empty())
    {
        skb.end_seq = next.end_seq; // a FIN's sequence number too
        skb.flags |= next.flags;
        queue.erase(queue.begin() + static_cast<long>(i) + 1);
    }
}

// tcp_write_xmit(): send what the windows and Nagle allow, as GSO packets of up to
// max_segs mss where the device takes them whole. push_one (tcp_push_one()): at most
// one packet, and no TSO deferral; probe (push_one == 2, the loss probe): the
// congestion window does not hold it back. What was sent arms the loss probe.
void
LinuxTcpSocket::WriteXmit(int nonagle, bool push_one, bool probe, uint32_t mss_arg)
{
    const uint32_t packets_before = m_tp.packets_out;
    bool is_cwnd_limited = false;
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    // the caller's mss_now: tcp_sendmsg() passes the one of its tcp_send_mss(), the
    // other paths tcp_current_mss()
    const uint32_t mss_now = mss_arg ? mss_arg : CurrentMss();
    // tcp_tso_segs(); a device that segments before the capture: one mss per packet
    const uint32_t max_segs = m_tp.gso_max_size ? TsoSegs(mss_now) : 1;
    for (size_t i = 0; i < m_writeQueue.size(); ++i)
    {
        if (m_writeQueue[i].sent)
        {
            continue;
        }
        if (PacingCheck())
        {
            break;
        }
        // tcp_cwnd_test(): a lone FIN is not held back by the congestion window
        const bool lone_fin = m_writeQueue[i].data.empty() && (m_writeQueue[i].flags & TCPHDR_FIN);
        if (PacketsInFlight() >= m_tp.snd_cwnd && !lone_fin && !probe)
        {
            break;
        }
        const uint32_t cwnd_quota = std::min(std::max(TcpCwndTest(m_tp, PacketsInFlight()), 1u), max_segs);
        if (m_tp.gso_max_size && m_prof->tcp_grow_skb)
        {
            // tcp_grow_skb(): fill the packet the congestion window allows from the
            // skbs queued behind (one write's skbs, or the next write's)
            const uint64_t want = uint64_t{cwnd_quota} * mss_now;
            if (want > m_writeQueue[i].data.size())
            {
                GrowSkb(m_writeQueue, i, static_cast<uint32_t>(want - m_writeQueue[i].data.size()));
            }
        }
        Skb& skb = m_writeQueue[i];
        const uint32_t len = static_cast<uint32_t>(skb.data.size());
        const bool is_tail = i + 1 == m_writeQueue.size();
        // tcp_set_skb_tso_segs()
        const uint32_t tso_segs = m_tp.gso_max_size ? TcpSkbPcount(len, mss_now) : 1;
        // tcp_snd_wnd_test(): the first mss of it must fit the peer's window
        const uint32_t end_seq = len > mss_now ? skb.seq + mss_now : skb.end_seq;
        if (SeqAfter(end_seq, m_tp.snd_una + m_tp.snd_wnd))
        {
            break;
        }
        if (tso_segs == 1)
        {
            if (!TcpNagleTest(m_tp, len, skb.flags & TCPHDR_FIN, mss_now, is_tail ? nonagle : TCP_NAGLE_PUSH))
            {
                break;
            }
        }
        else if (!push_one)
        {
            TsoDeferInput in;
            in.seq = skb.seq;
            in.len = len;
            in.is_tail = is_tail;
            in.fin = (skb.flags & TCPHDR_FIN) || skb.eor;
            in.max_segs = max_segs;
            in.win_divisor = static_cast<uint32_t>(m_prof->tcp_tso_win_divisor);
            in.have_sent = i > 0; // the queue holds the sent skbs first
            in.head_sent_ns = in.have_sent ? m_tcp->Clock().Now(m_writeQueue.front().sent_ns) : 0;
            if (TcpTsoShouldDefer(m_tp, in, &is_cwnd_limited))
            {
                break;
            }
        }
        uint32_t limit = mss_now;
        if (tso_segs > 1)
        {
            // over lo's gso_max_size the device gets it in pieces (BuildGsoPackets())
            limit = TcpMssSplitPoint(m_tp, skb.seq, len, is_tail, mss_now, cwnd_quota, nonagle);
        }
        if (len > limit)
        {
            // tso_fragment(): tcp_fragment()'s split of an unsent skb (FIN, PSH and the
            // record's end go with the tail)
            SplitSkb(i, limit);
        }
        Skb& out = m_writeQueue[i];
        out.pcount = m_tp.gso_max_size ? TcpSkbPcount(static_cast<uint32_t>(out.data.size()), mss_now) : 1;
        if (!TransmitSkb(out, mss_now))
        {
            break;
        }
        // tcp_minshall_update(): the end of a packet short of its segments' full size
        if (out.data.size() < uint64_t{out.pcount} * mss_now)
        {
            m_tp.snd_sml = out.end_seq;
        }
        if (push_one)
        {
            break;
        }
    }
    // __tcp_push_pending_frames(): nothing in flight and data held back (by the peer's
    // window): the window probe timer
    if (!push_one && !m_tp.packets_out && HasSendHead())
    {
        CheckProbeTimer();
    }
    is_cwnd_limited |= PacketsInFlight() >= m_tp.snd_cwnd;
    if (m_tp.packets_out > packets_before || is_cwnd_limited)
    {
        TcpCwndValidate(m_tp, is_cwnd_limited);
    }
    if (m_tp.packets_out > packets_before)
    {
        if (m_tp.ca_state == CaState::CWR || m_tp.ca_state == CaState::Recovery)
        {
            m_tp.prr_out += m_tp.packets_out - packets_before;
        }
        if (!probe)
        {
            ScheduleLossProbe(false);
        }
    }
}

// tcp_pacing_check(): under internal pacing nothing leaves before tcp_wstamp_ns (the
// clock cached when tcp_write_xmit() began is what counts); the pacing hrtimer is armed
// for then (tcp_pace_kick())
bool
LinuxTcpSocket::PacingCheck()
{
    if (!m_tp.pacing_needed || m_tp.tcp_wstamp_ns <= m_tp.tcp_clock_cache)
    {
        return false;
    }
    if (!m_pacingTimer.IsRunning())
    {
        const uint64_t at_ns = std::max(m_tp.tcp_wstamp_ns - m_tcp->Clock().phase_ns, NowNs()) +
                               static_cast<uint64_t>(m_prof->hrtimer_latency_ns);
        m_pacingTimer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(at_ns - NowNs())), &LinuxTcpSocket::PaceKick, this);
    }
    return true;
}

// tcp_pace_kick() -> tcp_tsq_handler(): send at once unless the owner holds the
// socket; then its release_sock() does (TCP_TSQ_DEFERRED, tcp_release_cb())
void
LinuxTcpSocket::PaceKick()
{
    if (OwnedByUser())
    {
        m_tsqDeferred = true;
        return;
    }
    TsqWrite();
}

// tcp_tsq_write(): in a state that sends data, lost segments first, then new data
void
LinuxTcpSocket::TsqWrite()
{
    const TcpState st = m_tp.state;
    if (st != TcpState::Established && st != TcpState::FinWait1 && st != TcpState::Closing &&
        st != TcpState::CloseWait && st != TcpState::LastAck)
    {
        return;
    }
    WhyScope why(*this, {SendWhy::PacingTimer});
    if (m_tp.lost_out > m_tp.retrans_out && m_tp.snd_cwnd > PacketsInFlight())
    {
        TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
        XmitRetransmitQueue();
    }
    WriteXmit(Nonagle());
}

// forced_push(): more than half the peer's largest window written since the last push
bool
LinuxTcpSocket::ForcedPush() const
{
    return SeqAfter(m_tp.write_seq, m_tp.pushed_seq + (m_tp.max_window >> 1));
}

// tcp_sendmsg_locked(), an skb filled to the size goal with more of the write to come:
// past half the peer's largest window since the last push (forced_push()) it is
// marked PSH and everything that may go goes (__tcp_push_pending_frames(), Nagle
// off); otherwise, if it is the first unsent skb, it goes alone (tcp_push_one())
void
LinuxTcpSocket::PushFullSkb()
{
    if (ForcedPush())
    {
        m_writeQueue.back().flags |= TCPHDR_PSH; // tcp_mark_push()
        m_tp.pushed_seq = m_tp.write_seq;
        WriteXmit(TCP_NAGLE_PUSH, false, false, m_sendmsgMss);
        return;
    }
    const bool send_head = m_writeQueue.size() == 1 || m_writeQueue[m_writeQueue.size() - 2].sent;
    if (send_head)
    {
        WriteXmit(TCP_NAGLE_PUSH, true, false, m_sendmsgMss);
    }
}

// tcp_push(): mark the end of the write with PSH and send, unless autocorking holds a
// small write back until earlier ones have left the device (TSQ then pushes it)
void
LinuxTcpSocket::Push(int nonagle, bool more, uint32_t mss_now, uint32_t size_goal)
{
    if (m_writeQueue.empty() || m_writeQueue.back().sent)
    {
        return;
    }
    Skb& tail = m_writeQueue.back();
    // a MSG_MORE write is marked too once past half the peer's largest window since
    // the last push
    if (!more || ForcedPush())
    {
        // tcp_mark_push()
        tail.flags |= TCPHDR_PSH;
        m_tp.pushed_seq = m_tp.write_seq;
    }
    const bool rtx_queue_empty = m_writeQueue.front().sent == false;
    // sk_wmem_alloc: the loopback frees every skb in loopback_xmit() (skb_orphan())
    constexpr int kWmemAllocOnLoopback = 0;
    if (TcpShouldAutocork(m_tp, *m_prof, static_cast<uint32_t>(tail.data.size()), tail.truesize,
                          size_goal ? size_goal : SizeGoal(), rtx_queue_empty, kWmemAllocOnLoopback))
    {
        return;
    }
    WriteXmit(more ? TCP_NAGLE_CORK : nonagle, false, false, mss_now);
}

// tcp_push_pending_frames(): what is queued goes as far as the windows and Nagle let
// it; unlike tcp_push() it marks nothing PSH (a MSG_MORE write stays unpushed) and
// does not autocork
void
LinuxTcpSocket::PushPendingFrames()
{
    if (HasSendHead())
    {
        WriteXmit(Nonagle());
    }
}

// tcp_send_ack(): a pure ACK, stamped with the cached clock
void
LinuxTcpSocket::SendAck()
{
    if (m_tp.state == TcpState::Closed)
    {
        return;
    }
    Ptr<Packet> p = BuildSegment(m_tp.snd_nxt, TCPHDR_ACK, Payload());
    EventAckSent();
    m_tcp->Transmit(p, m_local, m_peer);
}

// tcp_send_delayed_ack()
void
LinuxTcpSocket::SendDelayedAck()
{
    const DelayedAck d = TcpSendDelayedAck(m_tp, *m_prof, m_j, NowJiffies(), m_tp.srtt_us);
    if (d.send_now)
    {
        WhyScope why(*this, {SendWhy::DelayedAckNow});
        SendAck();
        return;
    }
    ArmDelackTimer(d.timeout);
}

// tcp_send_fin(): FIN rides on the last unsent skb, or goes alone
void
LinuxTcpSocket::SendFin()
{
    WhyScope why(*this, {SendWhy::Fin});
    if (HasSendHead())
    {
        Skb& tail = m_writeQueue.back();
        tail.flags |= TCPHDR_FIN;
        tail.end_seq++;
    }
    else
    {
        Skb fin;
        fin.seq = m_tp.write_seq;
        fin.end_seq = m_tp.write_seq + 1;
        fin.flags = TCPHDR_FIN;
        m_writeQueue.push_back(fin);
    }
    m_tp.write_seq++;
    WriteXmit(TCP_NAGLE_OFF);
}

// tcp_send_active_reset(): RST,ACK at snd_nxt with the window of the (purged) queue
void
LinuxTcpSocket::SendActiveReset()
{
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    Ptr<Packet> p = BuildSegment(m_tp.snd_nxt, TCPHDR_RST | TCPHDR_ACK, Payload());
    m_tcp->Transmit(p, m_local, m_peer);
}

// tcp_connect(): queue the SYN and send it with a fresh clock
void
LinuxTcpSocket::SendSyn()
{
    Skb syn;
    syn.seq = m_tp.iss;
    syn.end_seq = m_tp.iss + 1;
    syn.flags = TCPHDR_SYN;
    m_writeQueue.push_back(syn);
    m_tp.write_seq = m_tp.iss + 1;
    m_tp.pushed_seq = m_tp.write_seq;
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    WhyScope why(*this, {SendWhy::Connect});
    TransmitSkb(m_writeQueue.back());
}

// tcp_make_synack(): from the request, stamped with the current clock
void
LinuxTcpSocket::SendSynAck(const RequestSock& req)
{
    WireTcpHeader th;
    th.SetSourcePort(m_localPort);
    th.SetDestinationPort(req.rport);
    th.SetSequenceNumber(SequenceNumber32(req.snt_isn));
    th.SetAckNumber(SequenceNumber32(req.rcv_isn + 1));
    th.SetFlags(TCPHDR_SYN | TCPHDR_ACK);
    th.SetWindowSize(static_cast<uint16_t>(m_prof->fixed_window ? m_prof->fixed_window
                                                                 : std::min(req.rcv_wnd, 65535u)));
    SynOptions o;
    o.mss = static_cast<uint16_t>(req.advmss);
    o.sack_perm = req.sack_ok;
    o.ts = req.tstamp_ok;
    o.tsval = static_cast<uint32_t>(m_tcp->Clock().Now(NowNs()) / 1000000ULL) + req.ts_off;
    o.tsecr = req.ts_recent;
    o.ws = req.wscale_ok;
    o.wscale = req.rcv_wscale;
    AppendSynOptions(th, o);
    // the request has no socket yet: the listener's state is what there is
    Ptr<Packet> p = MakePacket(Payload(), SendNote{{SendWhy::SynAck}, {}});
    FinishHeader(th, p);
    m_tcp->Transmit(p, req.laddr, req.raddr);
}

} // namespace sim
