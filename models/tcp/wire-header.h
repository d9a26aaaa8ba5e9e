// SPDX-License-Identifier: GPL-2.0-only
// The TCP header as our stack writes and reads it: the fixed fields and the option
// bytes as they go on the wire. ns-3's TcpHeader builds one object per option
// through its type system on every segment sent and parsed; for a TCP that lays out
// its options itself (options.h, after tcp_options_write()) plain bytes do.
// The checksum field is left 0: the capture computes it over the content
// (CaptureTap), and a receiver in a simulation has nothing to verify.
#pragma once

#include <ns3/header.h>
#include <ns3/sequence-number.h>

#include <array>
#include <cstdint>

namespace sim
{

class WireTcpHeader : public ns3::Header
{
  public:
    static ns3::TypeId GetTypeId();
    ns3::TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override { return 20u + m_optLen; }
    void Serialize(ns3::Buffer::Iterator start) const override;
    uint32_t Deserialize(ns3::Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    void SetSourcePort(uint16_t p) { m_sport = p; }
    void SetDestinationPort(uint16_t p) { m_dport = p; }
    void SetSequenceNumber(ns3::SequenceNumber32 s) { m_seq = s.GetValue(); }
    void SetAckNumber(ns3::SequenceNumber32 a) { m_ack = a.GetValue(); }
    void SetFlags(uint8_t f) { m_flags = f; }
    void SetWindowSize(uint16_t w) { m_window = w; }
    // Appends option bytes; the caller keeps the total a multiple of 4 (40 at most)
    void AppendOptionBytes(const uint8_t* bytes, uint32_t n);

    uint16_t GetSourcePort() const { return m_sport; }
    uint16_t GetDestinationPort() const { return m_dport; }
    ns3::SequenceNumber32 GetSequenceNumber() const { return ns3::SequenceNumber32(m_seq); }
    ns3::SequenceNumber32 GetAckNumber() const { return ns3::SequenceNumber32(m_ack); }
    uint8_t GetFlags() const { return m_flags; }
    uint16_t GetWindowSize() const { return m_window; }
    // Header length in 32-bit words (the data offset field)
    uint8_t GetLength() const { return static_cast<uint8_t>((20u + m_optLen) / 4); }
    const uint8_t* OptionBytes() const { return m_opts.data(); }
    uint32_t OptionLength() const { return m_optLen; }

  private:
    uint16_t m_sport = 0;
    uint16_t m_dport = 0;
    uint32_t m_seq = 0;
    uint32_t m_ack = 0;
    uint8_t m_flags = 0;
    uint16_t m_window = 0;
    uint16_t m_urgent = 0;
    std::array<uint8_t, 40> m_opts{};
    uint32_t m_optLen = 0;
};

} // namespace sim
