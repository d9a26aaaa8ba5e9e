// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/payload.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace sim
{

void
StringSource::CopyOut(uint64_t off, size_t len, uint8_t* out) const
{
    std::memcpy(out, m_bytes.data() + off, len);
}

void
PayloadSource::ParitySums(uint64_t off, uint64_t len, uint64_t& even, uint64_t& odd) const
{
    std::array<uint8_t, 4096> block;
    for (uint64_t done = 0; done < len;)
    {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), len - done));
        CopyOut(off + done, n, block.data());
        uint64_t first = 0; // bytes at the block's even offsets
        uint64_t second = 0;
        size_t k = 0;
        for (; k + 1 < n; k += 2)
        {
            first += block[k];
            second += block[k + 1];
        }
        if (k < n)
        {
            first += block[k];
        }
        const bool block_even = (off + done) % 2 == 0;
        (block_even ? even : odd) += first;
        (block_even ? odd : even) += second;
        done += n;
    }
}

PatternSource::PatternSource(std::string period)
    : m_period(std::move(period))
{
    if (m_period.empty())
    {
        throw std::invalid_argument("PatternSource: empty period");
    }
    while (m_block.size() < 4096)
    {
        m_block += m_period;
    }
    const size_t cycle = m_period.size() % 2 == 0 ? m_period.size() : 2 * m_period.size();
    for (auto& p : m_prefix)
    {
        p.assign(cycle + 1, 0);
    }
    for (size_t i = 0; i < cycle; ++i)
    {
        const uint8_t b = static_cast<uint8_t>(m_period[i % m_period.size()]);
        for (int k = 0; k < 2; ++k)
        {
            m_prefix[k][i + 1] = m_prefix[k][i] + (static_cast<int>(i % 2) == k ? b : 0);
        }
    }
}

uint64_t
PatternSource::Prefix(uint64_t x, int parity) const
{
    const uint64_t cycle = m_prefix[parity].size() - 1;
    return (x / cycle) * m_prefix[parity][cycle] + m_prefix[parity][x % cycle];
}

void
PatternSource::ParitySums(uint64_t off, uint64_t len, uint64_t& even, uint64_t& odd) const
{
    even += Prefix(off + len, 0) - Prefix(off, 0);
    odd += Prefix(off + len, 1) - Prefix(off, 1);
}

void
PatternSource::CopyOut(uint64_t off, size_t len, uint8_t* out) const
{
    // m_block starts at a period boundary and holds whole periods: copy from the
    // position of `off` in the period, a block at a time
    size_t phase = static_cast<size_t>(off % m_period.size());
    const size_t usable = m_block.size() - m_period.size(); // any phase has this much ahead
    while (len > 0)
    {
        const size_t n = std::min(len, usable);
        std::memcpy(out, m_block.data() + phase, n);
        out += n;
        len -= n;
        phase = (phase + n) % m_period.size();
    }
}

Payload::Payload(std::string bytes)
{
    const uint64_t n = bytes.size();
    if (n > 0)
    {
        m_pieces.push_back({std::make_shared<const StringSource>(std::move(bytes)), 0, n});
        m_size = n;
    }
}

namespace
{

const std::shared_ptr<const PayloadSource>&
ZeroSource()
{
    static const std::shared_ptr<const PayloadSource> zeros = std::make_shared<PatternSource>(std::string(1, '\0'));
    return zeros;
}

} // namespace

Payload
Payload::Zeros(uint64_t len)
{
    return len ? Payload(ZeroSource(), 0, len) : Payload();
}

bool
Payload::IsZeros() const
{
    const PayloadSource* zeros = ZeroSource().get();
    return std::all_of(m_pieces.begin(), m_pieces.end(), [zeros](const Piece& p) { return p.src.get() == zeros; });
}

Payload::Payload(std::shared_ptr<const PayloadSource> src, uint64_t off, uint64_t len)
{
    if (len > 0)
    {
        m_pieces.push_back({std::move(src), off, len});
        m_size = len;
    }
}

void
Payload::AppendPiece(const Piece& p)
{
    if (p.len == 0)
    {
        return;
    }
    // the next bytes of the same source extend the last piece: a write copied into skbs
    // piece by piece stays one piece per skb; zeros are zeros at any offset, so the
    // writes of an ns-3 application join up too
    if (!m_pieces.empty())
    {
        Piece& last = m_pieces.back();
        if (last.src == p.src && (last.off + last.len == p.off || p.src == ZeroSource()))
        {
            last.len += p.len;
            m_size += p.len;
            return;
        }
    }
    m_pieces.push_back(p);
    m_size += p.len;
}

template <class F>
void
Payload::ForEachInRange(size_t pos, size_t n, F visit) const
{
    uint64_t skip = pos;
    uint64_t want = std::min<uint64_t>(n, m_size > pos ? m_size - pos : 0);
    for (const Piece& p : m_pieces)
    {
        if (want == 0)
        {
            break;
        }
        if (skip >= p.len)
        {
            skip -= p.len;
            continue;
        }
        const uint64_t take = std::min(want, p.len - skip);
        visit(p, p.off + skip, take);
        want -= take;
        skip = 0;
    }
}

void
Payload::append(const Payload& other, size_t pos, size_t n)
{
    if (pos > other.size())
    {
        throw std::out_of_range("Payload::append: position past the end");
    }
    other.ForEachInRange(pos, n, [this](const Piece& p, uint64_t off, uint64_t len) {
        AppendPiece({p.src, off, len});
    });
}

Payload
Payload::substr(size_t pos, size_t n) const
{
    Payload out;
    out.append(*this, pos, n);
    return out;
}

void
Payload::resize(size_t n)
{
    if (n > m_size)
    {
        throw std::out_of_range("Payload::resize: payloads only shrink");
    }
    uint64_t keep = n;
    size_t i = 0;
    for (; i < m_pieces.size() && keep > 0; ++i)
    {
        if (m_pieces[i].len >= keep)
        {
            m_pieces[i].len = keep;
            keep = 0;
            ++i;
            break;
        }
        keep -= m_pieces[i].len;
    }
    m_pieces.resize(i);
    m_size = n;
}

void
Payload::CopyTo(size_t pos, size_t n, uint8_t* out) const
{
    ForEachInRange(pos, n, [&out](const Piece& p, uint64_t off, uint64_t len) {
        p.src->CopyOut(off, static_cast<size_t>(len), out);
        out += len;
    });
}

std::string
Payload::ToString(size_t pos, size_t n) const
{
    const size_t len = pos >= size() ? 0 : std::min(n, size() - pos);
    std::string s(len, '\0');
    CopyTo(pos, len, reinterpret_cast<uint8_t*>(s.data()));
    return s;
}

uint16_t
Payload::Sum() const
{
    // Bytes at even positions of the whole payload are high bytes of their word: sum
    // them apart from the odd ones, in blocks, then fold (RFC 1071 §2: byte order
    // independence, deferred carries)
    uint64_t even = 0;
    uint64_t odd = 0;
    uint64_t pos = 0;
    for (const Piece& p : m_pieces)
    {
        // a source byte's place in this payload has the parity of its source offset
        // when the piece starts at a position of the same parity as its offset
        uint64_t e = 0;
        uint64_t o = 0;
        p.src->ParitySums(p.off, p.len, e, o);
        const bool same = (pos % 2) == (p.off % 2);
        even += same ? e : o;
        odd += same ? o : e;
        pos += p.len;
    }
    uint64_t sum = (even << 8) + odd;
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(sum);
}

} // namespace sim
