// SPDX-License-Identifier: GPL-2.0-only
#include "cli/explain-command.h"

#include "cli/capture-input.h"
#include "models/capture/pcap-file.h"
#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace sim
{

namespace
{

struct ExplainArgs
{
    std::string pcapng;
    size_t number = 0;
};

void
Explain(const ExplainArgs& a)
{
    const Capture cap = ReadUserCapture(a.pcapng);
    const std::vector<std::string> comments = ReadPcapngComments(a.pcapng);
    // the table numbers TCP packets; keep each one's frame index for its comment
    TraceAnalyzer analyzer;
    size_t row = 0;
    for (size_t i = 0; i < cap.frames.size(); ++i)
    {
        const auto rec = DecodeFrame(cap.link_type, cap.frames[i]);
        if (!rec)
        {
            continue;
        }
        const TraceRow r = analyzer.Next(*rec);
        if (++row != a.number)
        {
            continue;
        }
        std::cout << FormatTraceLine(r, row, false) << "\n";
        const std::string comment = i < comments.size() ? comments[i] : "";
        if (comment.empty())
        {
            std::cout << "why:   (no comment: write the trace with `sim SCENARIO --why`)\n";
            return;
        }
        const size_t bar = comment.find(" | ");
        std::cout << "why:   " << comment.substr(0, bar) << "\n";
        if (bar != std::string::npos)
        {
            std::cout << "state: " << comment.substr(bar + 3) << "\n";
        }
        return;
    }
    throw InputError(fmt::format("{}: no packet {} (the trace has {})", a.pcapng, a.number, row));
}

} // namespace

void
AddExplainCommand(CLI::App& app, int& exit_code)
{
    auto a = std::make_shared<ExplainArgs>();
    CLI::App* cmd = app.add_subcommand(
        "explain", "Why packet N of a trace was sent: its reason and the sending socket's state");
    cmd->add_option("pcapng", a->pcapng, "a trace written with --why (DIR/trace.pcapng)")->required();
    cmd->add_option("number", a->number, "the packet's number, as in trace.txt")
        ->required()
        ->check(CLI::PositiveNumber);
    cmd->footer("The state is the sender's when it built the packet: snd_una, snd_nxt, rcv_nxt, rcv_wnd "
                "(the window it offered), rmem (bytes charged to its receive buffer), cwnd, ato, "
                "pingpong and the quick ACKs left.");
    cmd->callback([a, &exit_code]() {
        Explain(*a);
        exit_code = 0;
    });
}

} // namespace sim
