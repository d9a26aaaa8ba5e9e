// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/wire-header.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace sim
{

NS_OBJECT_ENSURE_REGISTERED(WireTcpHeader);

using namespace ns3;

TypeId
WireTcpHeader::GetTypeId()
{
    static TypeId tid =
        TypeId("sim::WireTcpHeader").SetParent<Header>().SetGroupName("Internet").AddConstructor<WireTcpHeader>();
    return tid;
}

TypeId
WireTcpHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
WireTcpHeader::AppendOptionBytes(const uint8_t* bytes, uint32_t n)
{
    if (m_optLen + n > m_opts.size())
    {
        throw std::length_error("TCP options over 40 bytes");
    }
    std::memcpy(m_opts.data() + m_optLen, bytes, n);
    m_optLen += n;
}

void
WireTcpHeader::Serialize(Buffer::Iterator i) const
{
    i.WriteHtonU16(m_sport);
    i.WriteHtonU16(m_dport);
    i.WriteHtonU32(m_seq);
    i.WriteHtonU32(m_ack);
    i.WriteHtonU16(static_cast<uint16_t>(GetLength() << 12 | m_flags));
    i.WriteHtonU16(m_window);
    i.WriteHtonU16(0); // checksum: written by the capture
    i.WriteHtonU16(m_urgent);
    i.Write(m_opts.data(), m_optLen);
}

uint32_t
WireTcpHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator i = start;
    m_sport = i.ReadNtohU16();
    m_dport = i.ReadNtohU16();
    m_seq = i.ReadNtohU32();
    m_ack = i.ReadNtohU32();
    const uint16_t offset_flags = i.ReadNtohU16();
    m_flags = static_cast<uint8_t>(offset_flags & 0xff);
    const uint32_t len = std::max<uint32_t>(20u, (offset_flags >> 12) * 4u);
    m_window = i.ReadNtohU16();
    i.ReadNtohU16(); // checksum
    m_urgent = i.ReadNtohU16();
    m_optLen = len - 20;
    i.Read(m_opts.data(), m_optLen);
    return len;
}

void
WireTcpHeader::Print(std::ostream& os) const
{
    os << m_sport << " > " << m_dport << " seq " << m_seq << " ack " << m_ack << " flags 0x" << std::hex
       << static_cast<int>(m_flags) << std::dec << " win " << m_window << " options " << m_optLen;
}

} // namespace sim
