// SPDX-License-Identifier: GPL-2.0-only
// trace.pcap and trace.txt written as frames come: each frame's pcap record and its
// table line go out at once, so memory holds the table's per-connection state and a
// small buffer, never the trace. Both go to temporary files that Commit() renames
// into place; a writer destroyed without Commit() (a run that failed) removes them.
#pragma once

#include "models/capture/pcap-file.h"
#include "models/capture/trace-table.h"

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>

namespace sim
{

class TraceWriter
{
  public:
    // `echo`: also print each table line there (the run's table on stdout), or null
    TraceWriter(std::string pcap_path,
                std::string txt_path,
                LinkType lt,
                uint32_t snaplen,
                bool absolute,
                std::ostream* echo);
    // Also write `pcapng_path` (each packet with its comment) and end each table line
    // with its reason; call before the first Write()
    void Explain(std::string pcapng_path);
    ~TraceWriter();
    TraceWriter(const TraceWriter&) = delete;
    TraceWriter& operator=(const TraceWriter&) = delete;

    void Write(const Frame& f);
    // Flushes and renames both files into place. Throws std::runtime_error.
    void Commit();
    uint64_t Rows() const { return m_rows; }

  private:
    void Flush(bool all);

    std::string m_pcapPath;
    std::string m_txtPath;
    FILE* m_pcap = nullptr;
    FILE* m_txt = nullptr;
    FILE* m_pcapng = nullptr;
    std::string m_pcapngPath;
    std::string m_pcapngBuf;
    std::string m_pcapBuf;
    std::string m_txtBuf;
    LinkType m_lt;
    uint32_t m_snaplen;
    bool m_absolute;
    std::ostream* m_echo;
    TraceAnalyzer m_analyzer;
    uint64_t m_rows = 0;
    bool m_committed = false;
};

} // namespace sim
