// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/trace-writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sim
{

namespace
{

constexpr size_t kFlushBytes = 1 << 20;

FILE*
OpenTemp(const std::string& path)
{
    FILE* f = std::fopen((path + ".tmp").c_str(), "wb");
    if (!f)
    {
        throw std::runtime_error(fmt::format("{}: cannot write ({})", path, std::strerror(errno)));
    }
    return f;
}

void
Put(FILE* f, std::string& buf, const std::string& path)
{
    if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), f) != buf.size())
    {
        throw std::runtime_error(fmt::format("{}: write failed ({})", path, std::strerror(errno)));
    }
    buf.clear();
}

} // namespace

TraceWriter::TraceWriter(std::string pcap_path,
                         std::string txt_path,
                         LinkType lt,
                         uint32_t snaplen,
                         bool absolute,
                         std::ostream* echo)
    : m_pcapPath(std::move(pcap_path)),
      m_txtPath(std::move(txt_path)),
      m_lt(lt),
      m_snaplen(snaplen),
      m_absolute(absolute),
      m_echo(echo)
{
    m_pcap = OpenTemp(m_pcapPath);
    try
    {
        m_txt = OpenTemp(m_txtPath);
    }
    catch (...)
    {
        std::fclose(m_pcap);
        std::remove((m_pcapPath + ".tmp").c_str());
        throw;
    }
    m_pcapBuf = PcapFileHeader(lt, snaplen);
}

void
TraceWriter::Explain(std::string pcapng_path)
{
    m_pcapngPath = std::move(pcapng_path);
    m_pcapng = OpenTemp(m_pcapngPath);
    m_pcapngBuf = PcapngFileHeader(m_lt, m_snaplen);
}

TraceWriter::~TraceWriter()
{
    if (m_committed)
    {
        return;
    }
    std::fclose(m_pcap);
    std::fclose(m_txt);
    std::remove((m_pcapPath + ".tmp").c_str());
    std::remove((m_txtPath + ".tmp").c_str());
    if (m_pcapng)
    {
        std::fclose(m_pcapng);
        std::remove((m_pcapngPath + ".tmp").c_str());
    }
}

void
TraceWriter::Write(const Frame& f)
{
    AppendPcapRecord(m_pcapBuf, f);
    if (m_pcapng)
    {
        AppendPcapngPacket(m_pcapngBuf, f);
    }
    if (auto rec = DecodeFrame(m_lt, f))
    {
        const size_t start = m_txtBuf.size();
        AppendTraceLine(m_txtBuf, m_analyzer.Next(*rec), ++m_rows, m_absolute);
        if (m_pcapng)
        {
            // the reason as a last column; the socket's state stays in the pcapng comment
            m_txtBuf += "   # ";
            m_txtBuf.append(f.comment, 0, f.comment.find(" | "));
        }
        m_txtBuf += '\n';
        if (m_echo)
        {
            m_echo->write(m_txtBuf.data() + start, static_cast<std::streamsize>(m_txtBuf.size() - start));
        }
    }
    if (m_pcapBuf.size() >= kFlushBytes || m_txtBuf.size() >= kFlushBytes || m_pcapngBuf.size() >= kFlushBytes)
    {
        Flush(false);
    }
}

void
TraceWriter::Flush(bool all)
{
    Put(m_pcap, m_pcapBuf, m_pcapPath);
    Put(m_txt, m_txtBuf, m_txtPath);
    if (m_pcapng)
    {
        Put(m_pcapng, m_pcapngBuf, m_pcapngPath);
    }
    if (all && (std::fflush(m_pcap) != 0 || std::fflush(m_txt) != 0 || (m_pcapng && std::fflush(m_pcapng) != 0)))
    {
        throw std::runtime_error(fmt::format("{}: write failed ({})", m_pcapPath, std::strerror(errno)));
    }
}

void
TraceWriter::Commit()
{
    Flush(true);
    const bool closed =
        std::fclose(m_pcap) == 0 && std::fclose(m_txt) == 0 && (!m_pcapng || std::fclose(m_pcapng) == 0);
    m_pcap = nullptr;
    m_txt = nullptr;
    if (!closed)
    {
        std::remove((m_pcapPath + ".tmp").c_str());
        std::remove((m_txtPath + ".tmp").c_str());
        if (m_pcapng)
        {
            std::remove((m_pcapngPath + ".tmp").c_str());
        }
        m_committed = true;
        throw std::runtime_error(fmt::format("{}: write failed", m_pcapPath));
    }
    std::filesystem::rename(m_pcapPath + ".tmp", m_pcapPath);
    std::filesystem::rename(m_txtPath + ".tmp", m_txtPath);
    if (m_pcapng)
    {
        std::filesystem::rename(m_pcapngPath + ".tmp", m_pcapngPath);
    }
    m_committed = true;
}

} // namespace sim
