// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/capture-tap.h"

#include "models/tcp/payload-store.h"

#include <ns3/node.h>
#include <ns3/simulator.h>

#include <algorithm>
#include <array>

namespace sim
{

using namespace ns3;

CaptureTap::CaptureTap(FrameSink sink, LinkType lt, uint32_t snaplen, bool explain)
    : m_sink(std::move(sink)),
      m_lt(lt),
      m_snaplen(snaplen),
      m_checksums(Node::ChecksumEnabled()),
      m_explain(explain)
{
}

// The 16-byte Linux cooked (SLL v1) header of an inbound IPv4 frame on lo:
// PACKET_HOST (libpcap keeps only the receive-side copy on lo), ARPHRD_LOOPBACK, a
// 6-byte all-zero address, ETH_P_IP
void
CaptureTap::Loopback(Ptr<const Packet> ip, Time later)
{
    static const std::array<uint8_t, 16> sll = {0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0,
                                                0,    0,    0,    0,    0,    0,    0x08, 0x00};
    Add(std::vector<uint8_t>(sll.begin(), sll.end()), ip, false, later);
}

void
CaptureTap::WatchEthernet(uint32_t interface, Mac48Address self, Mac48Address peer)
{
    m_interface = interface;
    m_self = self;
    m_peer = peer;
}

void
CaptureTap::OnIpTx(Ptr<const Packet> ip, Ptr<Ipv4>, uint32_t interface)
{
    if (interface == m_interface)
    {
        Ethernet(ip, true);
    }
}

void
CaptureTap::OnIpRx(Ptr<const Packet> ip, Ptr<Ipv4>, uint32_t interface)
{
    if (interface == m_interface)
    {
        Ethernet(ip, false);
    }
}

// A frame on an Ethernet interface. Outbound frames are seen before the driver pads
// them (dev_queue_xmit_nit()); inbound ones arrive padded to the 60-byte minimum.
void
CaptureTap::Ethernet(Ptr<const Packet> ip, bool outbound)
{
    std::vector<uint8_t> hdr;
    uint8_t own[6];
    uint8_t other[6];
    m_self.CopyTo(own);
    m_peer.CopyTo(other);
    if (m_lt == LinkType::Ethernet)
    {
        const uint8_t* dst = outbound ? other : own;
        const uint8_t* src = outbound ? own : other;
        hdr.insert(hdr.end(), dst, dst + 6);
        hdr.insert(hdr.end(), src, src + 6);
        hdr.insert(hdr.end(), {0x08, 0x00});
    }
    else
    {
        // SLL v1: PACKET_OUTGOING or PACKET_HOST, ARPHRD_ETHER, the sender's address
        const uint8_t* src = outbound ? own : other;
        hdr = {0x00, static_cast<uint8_t>(outbound ? 4 : 0), 0x00, 0x01, 0x00, 0x06};
        hdr.insert(hdr.end(), src, src + 6);
        hdr.insert(hdr.end(), {0, 0, 0x08, 0x00});
    }
    Add(std::move(hdr), ip, !outbound && m_lt == LinkType::Ethernet);
}

static uint32_t
AddWords(const uint8_t* p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
    {
        sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
    }
    if (n % 2)
    {
        sum += static_cast<uint32_t>(p[n - 1] << 8);
    }
    return sum;
}

uint16_t
TcpChecksum(const uint8_t* ip, size_t headers_len, size_t tcp_len, uint16_t payload_sum)
{
    const size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
    uint32_t sum = AddWords(ip + 12, 8, 0); // pseudo-header: source, destination
    sum += 6 + static_cast<uint32_t>(tcp_len);
    sum = AddWords(ip + ihl, 16, sum); // the TCP header around its checksum field
    sum = AddWords(ip + ihl + 18, headers_len - ihl - 18, sum);
    sum += payload_sum; // headers_len - ihl is a multiple of 4: the payload starts even
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

// The frame: link header, IP and TCP headers from the packet, and the payload's
// content, which a segment of ours carries beside the packet (PayloadStore): written
// here up to the snapshot length, and summed into the TCP checksum, which the
// sending TCP leaves to the capture.
void
CaptureTap::Add(std::vector<uint8_t> bytes, Ptr<const Packet> ip, bool pad, Time later)
{
    Frame f;
    f.time_ns = static_cast<uint64_t>((Simulator::Now() + later).GetNanoSeconds());
    const size_t link = bytes.size();
    const size_t ip_size = ip->GetSize();
    const Payload* payload = PayloadStore::PeekPayload(ip->GetUid());
    if (m_explain)
    {
        const SendNote* note = PayloadStore::PeekNote(ip->GetUid());
        f.comment = note ? DescribeNote(*note) : "(not sent by the simulated TCP)";
    }
    const size_t payload_len = payload ? payload->size() : 0;
    const size_t headers = ip_size - payload_len;
    bytes.resize(link + headers);
    ip->CopyData(bytes.data() + link, static_cast<uint32_t>(headers));
    uint8_t* iph = bytes.data() + link;
    const size_t ihl = static_cast<size_t>(iph[0] & 0x0f) * 4;
    const bool tcp = headers >= ihl + 20 && iph[9] == 6;
    if (tcp && m_checksums)
    {
        // without a payload beside it, `headers` is the whole packet, bytes included
        const uint16_t c = TcpChecksum(iph, headers, ip_size - ihl, payload ? payload->Sum() : 0);
        iph[ihl + 16] = static_cast<uint8_t>(c >> 8);
        iph[ihl + 17] = static_cast<uint8_t>(c);
    }
    size_t orig = link + ip_size;
    if (pad && orig < 60)
    {
        orig = 60; // ETH_ZLEN
    }
    const size_t caplen = std::min<size_t>(orig, m_snaplen);
    if (payload)
    {
        const size_t shown = caplen > link + headers ? std::min(payload_len, caplen - link - headers) : 0;
        bytes.resize(link + headers + shown);
        payload->CopyTo(0, shown, bytes.data() + link + headers);
    }
    bytes.resize(caplen, 0);
    f.orig_len = static_cast<uint32_t>(orig);
    f.bytes = std::move(bytes);
    m_sink(std::move(f));
}

} // namespace sim
