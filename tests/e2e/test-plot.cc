// SPDX-License-Identifier: GPL-2.0-only
// `sim plot` and the run's seq.png: real pictures of the requested size with something
// drawn, SVGs that name their series and their time unit, idle gaps as axis breaks,
// zooming with --from/--to, and a clear error without gnuplot.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>
#include <png.h>

#include <cstdio>
#include <memory>
#include <set>

using namespace simtest;
namespace fs = std::filesystem;

namespace
{

struct Picture
{
    unsigned width = 0;
    unsigned height = 0;
    size_t colours = 0; // distinct RGB colours
};

Picture
ReadPng(const fs::path& path)
{
    Picture pic;
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path.c_str()))
    {
        return pic;
    }
    image.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr))
    {
        return pic;
    }
    pic.width = image.width;
    pic.height = image.height;
    std::set<uint32_t> colours;
    for (size_t i = 0; i + 2 < pixels.size(); i += 3)
    {
        colours.insert((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    }
    pic.colours = colours.size();
    return pic;
}

} // namespace

BOOST_AUTO_TEST_SUITE(plot)

BOOST_AUTO_TEST_CASE(png_of_the_requested_size_with_a_drawing)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v3", dir / "v3").status, 0);
    const Outcome o = RunSim("plot '" + (dir / "v3" / "trace.pcap").string() + "' --size 800x500 -o '" +
                             (dir / "v3.png").string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const Picture pic = ReadPng(dir / "v3.png");
    BOOST_TEST(pic.width == 800u);
    BOOST_TEST(pic.height == 500u);
    BOOST_TEST(pic.colours > 20u); // lines, labels, anti-aliasing: not a blank canvas
    BOOST_TEST(fs::exists(dir / "v3.dat"));
    BOOST_TEST(fs::exists(dir / "v3.gp"));
    BOOST_TEST(ReadFile(dir / "v3.gp").find("v3.dat") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(svg_names_its_series_and_overlays_files)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "a").status, 0);
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "b").status, 0);
    fs::copy_file(dir / "b" / "trace.pcap", dir / "b" / "real.pcap");
    const Outcome o = RunSim("plot '" + (dir / "a" / "trace.pcap").string() + "' '" +
                             (dir / "b" / "real.pcap").string() + "' -o '" + (dir / "both.svg").string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const std::string svg = ReadFile(dir / "both.svg");
    BOOST_TEST(svg.find("<svg") != std::string::npos);
    for (const char* name : {"trace.pcap data segments", "real.pcap data segments", "trace.pcap ACK",
                             "real.pcap window (ACK + win)", "trace.pcap vs real.pcap"})
    {
        BOOST_TEST(svg.find(name) != std::string::npos, name);
    }
}

BOOST_AUTO_TEST_CASE(stevens_kind_and_a_chosen_direction)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v4", dir / "v4").status, 0);
    const std::string pcap = "'" + (dir / "v4" / "trace.pcap").string() + "'";
    const Outcome st = RunSim("plot " + pcap + " --kind stevens -o '" + (dir / "s.svg").string() + "'");
    BOOST_REQUIRE_MESSAGE(st.status == 0, st.err);
    const std::string svg = ReadFile(dir / "s.svg");
    BOOST_TEST(svg.find("client → server") != std::string::npos);
    BOOST_TEST(svg.find("server → client") != std::string::npos);
    BOOST_TEST(svg.find("5.00 s idle") != std::string::npos); // the gap is marked, in seconds
    BOOST_TEST(svg.find("time (s)") != std::string::npos);
    const Outcome srv = RunSim("plot " + pcap + " --direction server -o '" + (dir / "srv.svg").string() + "'");
    BOOST_REQUIRE_EQUAL(srv.status, 0);
    BOOST_TEST(ReadFile(dir / "srv.svg").find("server → client (tcptrace)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(short_trace_reads_in_milliseconds_from_zero)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v3", dir / "v3").status, 0);
    const Outcome o = RunSim("plot '" + (dir / "v3" / "trace.pcap").string() + "' -o '" + (dir / "v3.svg").string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const std::string svg = ReadFile(dir / "v3.svg");
    BOOST_TEST(svg.find("time (ms)") != std::string::npos);
    BOOST_TEST(svg.find(" s idle") == std::string::npos); // 14 ms without a pause
    BOOST_TEST(ReadFile(dir / "v3.gp").find("set yrange [0:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(zoom_from_to)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v4", dir / "v4").status, 0);
    const std::string pcap = "'" + (dir / "v4" / "trace.pcap").string() + "'";
    const Outcome o = RunSim("plot " + pcap + " --from 5 --to 6 --direction server -o '" +
                             (dir / "z.svg").string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const std::string svg = ReadFile(dir / "z.svg");
    BOOST_TEST(svg.find("5 s to 6 s") != std::string::npos); // said in the title
    BOOST_TEST(svg.find("time (ms)") != std::string::npos);   // the echo alone spans milliseconds
    BOOST_TEST(svg.find(" s idle") == std::string::npos);     // both sleeps are outside
    const Outcome empty = RunSim("plot " + pcap + " --from 1 --to 2 -o '" + (dir / "e.png").string() + "'");
    BOOST_TEST(empty.status == 2);
    BOOST_TEST(empty.err.find("no packets between 1 s and 2 s") != std::string::npos, empty.err);
    const Outcome reversed = RunSim("plot " + pcap + " --from 3 --to 2 -o '" + (dir / "r.png").string() + "'");
    BOOST_TEST(reversed.status == 2);
    BOOST_TEST(reversed.err.find("is not before --to") != std::string::npos, reversed.err);
}

BOOST_AUTO_TEST_CASE(diff_overlays_a_recording_and_circles_the_first_difference)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v3", dir / "v3").status, 0); // linux-5.15: not the recording's kernel
    const Outcome o = RunSim("plot '" + (dir / "v3" / "trace.pcap").string() + "' '" +
                             (SourceDir() / "tests/data/real/v3/run-1/real.pcap").string() + "' --diff -o '" +
                             (dir / "d.svg").string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    BOOST_TEST(o.out.find("first difference: no.1") != std::string::npos, o.out);
    const std::string svg = ReadFile(dir / "d.svg");
    for (const char* name : {"SIM data segments", "REAL data segments", "first difference: no.1 ws: REAL 1024, SIM 128"})
    {
        BOOST_TEST(svg.find(name) != std::string::npos, name);
    }
}

BOOST_AUTO_TEST_CASE(run_writes_seq_png_unless_told_not_to)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(RunSim("v4 -q --out '" + (dir / "v4").string() + "'").status, 0);
    const Picture pic = ReadPng(dir / "v4" / "seq.png");
    BOOST_TEST(pic.width == 1200u);
    BOOST_TEST(pic.colours > 20u);
    BOOST_REQUIRE_EQUAL(Simulate("v4", dir / "np").status, 0);
    BOOST_TEST(!fs::exists(dir / "np" / "seq.png"));
}

BOOST_AUTO_TEST_CASE(missing_gnuplot_is_one_line_and_status_2)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "v1").status, 0);
    fs::create_directories(dir / "empty-path");
    const Outcome o = RunShell("cd '" + SourceDir().string() + "' && PATH='" + (dir / "empty-path").string() +
                               "' SIM_ROOT='" + SourceDir().string() + "' '" + SIM_BINARY + "' plot '" +
                               (dir / "v1" / "trace.pcap").string() + "' -o '" + (dir / "x.png").string() + "'");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err == "sim: plot: gnuplot is not installed (apt-get install gnuplot-nox)\n");
    BOOST_TEST(!fs::exists(dir / "x.png"));
}

BOOST_AUTO_TEST_CASE(bad_output_name_is_refused)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "v1").status, 0);
    const Outcome o = RunSim("plot '" + (dir / "v1" / "trace.pcap").string() + "' -o '" + (dir / "x.jpg").string() + "'");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("must be a .png or .svg file") != std::string::npos, o.err);
}

BOOST_AUTO_TEST_SUITE_END()
