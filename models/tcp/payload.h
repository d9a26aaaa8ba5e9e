// SPDX-License-Identifier: GPL-2.0-only
// Bytes of a connection's stream, held as references into shared content. What a
// program writes is not copied again on its way through skbs, segments, the peer's
// receive queue and read(): each of them holds pieces (source, offset, length) of it.
// Content no program looks at (an HTTP server's file body) is virtual: a generator
// that produces bytes only when the capture writes them or a program reads them.
// Cost: an operation is proportional to the number of pieces, never to the bytes,
// except CopyTo() and Sum(), which touch the bytes they are asked for.
#pragma once

#include <boost/container/small_vector.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sim
{

// Where bytes come from
class PayloadSource
{
  public:
    virtual ~PayloadSource() = default;
    // Bytes [off, off + len) into `out`
    virtual void CopyOut(uint64_t off, size_t len, uint8_t* out) const = 0;
    // The sums of the bytes of [off, off + len) at even and at odd offsets (for the
    // checksum); by default from CopyOut() in blocks
    virtual void ParitySums(uint64_t off, uint64_t len, uint64_t& even, uint64_t& odd) const;
};

// Bytes a program gave, kept once
class StringSource : public PayloadSource
{
  public:
    explicit StringSource(std::string bytes) : m_bytes(std::move(bytes)) {}
    void CopyOut(uint64_t off, size_t len, uint8_t* out) const override;

  private:
    std::string m_bytes;
};

// An endless repetition of `period` (byte i is period[i % period.size()]), produced on
// demand
class PatternSource : public PayloadSource
{
  public:
    explicit PatternSource(std::string period);
    void CopyOut(uint64_t off, size_t len, uint8_t* out) const override;
    // In constant time: a gigabyte of virtual body is checksummed without producing it
    void ParitySums(uint64_t off, uint64_t len, uint64_t& even, uint64_t& odd) const override;

  private:
    // bytes at even / odd offsets in [0, x)
    uint64_t Prefix(uint64_t x, int parity) const;

    std::string m_period;
    std::string m_block; // the period repeated to about 4 KiB, for copies in blocks
    // over one cycle of both the pattern and the offset parity (lcm(period, 2) bytes):
    // m_prefix[k][i] sums the bytes at offsets of parity k in [0, i)
    std::vector<uint64_t> m_prefix[2];
};

class Payload
{
  public:
    Payload() = default;
    // Real content: the string is moved into a shared source, not copied
    explicit Payload(std::string bytes);
    // `len` bytes of `src` from `off`
    Payload(std::shared_ptr<const PayloadSource> src, uint64_t off, uint64_t len);

    // `len` zero bytes, produced on demand (the content of an ns-3 application's
    // Create<Packet>(size): ns-3's virtual zero-filled area)
    static Payload Zeros(uint64_t len);

    size_t size() const { return static_cast<size_t>(m_size); }
    bool empty() const { return m_size == 0; }
    // Every byte from Zeros(): the content can stay virtual on its way back into ns-3
    bool IsZeros() const;

    // Appends bytes [pos, pos + n) of `other` (as std::string::append does)
    void append(const Payload& other, size_t pos, size_t n);
    void append(const Payload& other) { append(other, 0, other.size()); }
    // Bytes [pos, pos + n) (n clipped at the end)
    Payload substr(size_t pos, size_t n = SIZE_MAX) const;
    // Keeps the first n bytes; n must not exceed size()
    void resize(size_t n);

    // Bytes [pos, pos + n) into `out`
    void CopyTo(size_t pos, size_t n, uint8_t* out) const;
    std::string ToString() const { return ToString(0, size()); }
    std::string ToString(size_t pos, size_t n) const;

    // RFC 1071: the 16-bit ones' complement sum of the bytes, as the TCP checksum adds
    // them (big-endian words, an odd last byte padded with zero), not yet complemented
    uint16_t Sum() const;

  private:
    struct Piece
    {
        std::shared_ptr<const PayloadSource> src;
        uint64_t off;
        uint64_t len;
    };
    void AppendPiece(const Piece& p);
    // visit(piece, source offset, length) for each piece's part of [pos, pos + n)
    template <class F>
    void ForEachInRange(size_t pos, size_t n, F visit) const;

    // almost every payload is one piece (an skb of one write): kept inline, no allocation
    boost::container::small_vector<Piece, 1> m_pieces;
    uint64_t m_size = 0;
};

} // namespace sim
