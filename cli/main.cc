// SPDX-License-Identifier: GPL-2.0-only
// The `sim` binary: run scenarios and list them. The launcher script `./sim` builds
// this and handles `./sim test`.
#include "cli/bench-command.h"
#include "cli/compare-command.h"
#include "cli/conform-command.h"
#include "cli/drill-command.h"
#include "cli/explain-command.h"
#include "cli/plot-command.h"
#include "cli/record-command.h"
#include "cli/run-command.h"
#include "cli/sweep-command.h"
#include "models/capture/pcap-file.h"
#include "models/config/toml-input.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <set>
#include <string>
#include <vector>

int
main(int argc, char** argv)
{
    CLI::App app{"Deterministic TCP replay simulator: Linux TCP on ns-3, pcap out.\n"
                 "  sim SCENARIO [--out DIR] [--profile NAME]   same as `sim run SCENARIO`",
                 "sim"};
    app.footer("./sim test builds the project and runs every test (ctest). Exit status: 0 done, "
               "1 compare found a difference, 2 bad input.");
    app.require_subcommand(1);
    int exit_code = 2;
    sim::AddRunCommands(app, exit_code);
    sim::AddBenchCommand(app, exit_code);
    sim::AddCompareCommand(app, exit_code);
    sim::AddRecordCommand(app, exit_code);
    sim::AddConformCommand(app, exit_code);
    sim::AddPlotCommand(app, exit_code);
    sim::AddSweepCommand(app, exit_code);
    sim::AddExplainCommand(app, exit_code);
    sim::AddDrillCommand(app, exit_code);

    // `sim v1 ...` is `sim run v1 ...`
    std::vector<std::string> args(argv + 1, argv + argc);
    std::set<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    {
        commands.insert(sub->get_name());
    }
    if (!args.empty() && args[0][0] != '-' && !commands.count(args[0]))
    {
        args.insert(args.begin(), "run");
    }
    std::reverse(args.begin(), args.end());
    try
    {
        app.parse(args);
    }
    catch (const CLI::ParseError& e)
    {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    catch (const sim::InputError& e)
    {
        std::cerr << "sim: " << e.what() << "\n";
        return 2;
    }
    catch (const sim::CaptureError& e)
    {
        std::cerr << "sim: " << e.what() << "\n";
        return 2;
    }
    catch (const std::exception& e)
    {
        std::cerr << "sim: " << e.what() << "\n";
        return 2;
    }
    return exit_code;
}
