// Plugin files as they arrive on disk, and an installation as `cmake --install` leaves it.
//  - Truncated or foreign files: every proper prefix of a real shipped plugin (and files that
//    are not ELF at all) is refused by the ELF header check before dlopen, in process and
//    through the real ignite-host (`plugins inspect`, `dry-run --plugin`, `train --plugin`,
//    `plugins list`, metric suggestions): exit 2 with one line naming the file, or for
//    `plugins list` exit 0 with the file reported unusable; never a crash (SIGBUS in dlopen
//    was the old behaviour).
//  - Installation: a staged `cmake --install --prefix STAGE` runs from STAGE without
//    IGNITE_PLUGIN_PATH, finds libignite_core and the shipped plugins under STAGE (and not in
//    the build tree), keeps working when the stage is moved, and trains.
#include "support/process.hpp"
#include <ignite/runtime/elf_check.hpp>
#include <ignite/runtime/plugin_loader.hpp>

#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif
#ifndef IGNITE_PLUGIN_DIR
#error "IGNITE_PLUGIN_DIR must name the build's plugin directory"
#endif

namespace fs = std::filesystem;
using ignite::host::elf_file_problem;
using ignite::host::elf_image_problem;
using ignite::test::lines_of;
using ignite::test::read_file;

namespace {

const std::vector<std::string> kShipped{"console", "trace", "tbptt", "progress", "metrics"};

fs::path shipped(const std::string& name) { return fs::path(IGNITE_PLUGIN_DIR) / ("ignite-plugin-" + name + ".so"); }

fs::path scratch() {
    static const fs::path dir = ignite::test::scratch_dir("ignite_plugin_file_test");
    return dir;
}

void write_bytes(const fs::path& p, std::string_view bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

template <class T>
T read_at(const std::string& image, std::uint64_t offset) {
    REQUIRE(offset + sizeof(T) <= image.size());
    T v;
    std::memcpy(&v, image.data() + offset, sizeof v);
    return v;
}

template <class T>
void write_at(std::string& image, std::uint64_t offset, const T& v) {
    REQUIRE(offset + sizeof(T) <= image.size());
    std::memcpy(image.data() + offset, &v, sizeof v);
}

// The console plugin's bytes: a real file the build ships.
const std::string& console_image() {
    static const std::string image = read_file(shipped("console"));
    return image;
}

// Prefix lengths worth testing for `image`: every length 0..256, a geometric sample and an
// even stride up to the end, size - 1, and each header table / segment / section boundary
// +-1 (where a truncation flips from "inside" to "outside"). Only proper prefixes.
std::vector<std::size_t> prefix_lengths(const std::string& image) {
    const std::size_t size = image.size();
    std::set<std::size_t> n;
    for (std::size_t k = 0; k <= 256; ++k) n.insert(k);
    for (double x = 257; x < static_cast<double>(size); x *= 1.07) n.insert(static_cast<std::size_t>(x));
    for (std::size_t k = 1; k < 64; ++k) n.insert(size * k / 64);
    n.insert(size - 1);
    auto around = [&](std::uint64_t b) {
        for (const std::uint64_t d : {b - 1, b, b + 1}) n.insert(static_cast<std::size_t>(d));
    };
    const auto eh = read_at<Elf64_Ehdr>(image, 0);
    around(eh.e_phoff + std::uint64_t{eh.e_phnum} * eh.e_phentsize);
    around(eh.e_shoff);
    around(eh.e_shoff + std::uint64_t{eh.e_shnum} * eh.e_shentsize);
    for (std::size_t k = 0; k < eh.e_phnum; ++k) {
        const auto p = read_at<Elf64_Phdr>(image, eh.e_phoff + k * sizeof(Elf64_Phdr));
        around(p.p_offset);
        around(p.p_offset + p.p_filesz);
    }
    for (std::size_t k = 0; k < eh.e_shnum; ++k) {
        const auto s = read_at<Elf64_Shdr>(image, eh.e_shoff + k * sizeof(Elf64_Shdr));
        if (s.sh_type == SHT_NOBITS) continue;
        around(s.sh_offset);
        around(s.sh_offset + s.sh_size);
    }
    std::vector<std::size_t> out;
    for (const auto len : n) {
        if (len < size) out.push_back(len);
    }
    return out;
}

// The offset of the first PT_LOAD program header in `image`.
std::uint64_t first_load_header(const std::string& image) {
    const auto eh = read_at<Elf64_Ehdr>(image, 0);
    for (std::size_t k = 0; k < eh.e_phnum; ++k) {
        const auto off = eh.e_phoff + k * sizeof(Elf64_Phdr);
        if (read_at<Elf64_Phdr>(image, off).p_type == PT_LOAD) return off;
    }
    FAIL("no PT_LOAD in the console plugin");
    return 0;
}

// ignite-host ARGS with IGNITE_PLUGIN_PATH set to `plugin_path` (unset when empty).
ignite::test::ProcessResult host(const std::string& exe, const std::vector<std::string>& args,
                                 const std::string& plugin_path = "") {
    return ignite::test::run_host(exe, args,
                                  {.plugin_path = plugin_path.empty() ? std::nullopt : std::optional(plugin_path)});
}

std::string describe(const ignite::test::ProcessResult& r) {
    return "command: " + r.cmd + "\nexit: " + (r.exited ? std::to_string(r.rc) : "signal " + std::to_string(r.signal)) +
           "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

// The "ignite-host: error:" lines of a run's stderr (train also logs its setup there).
std::vector<std::string> error_lines(const ignite::test::ProcessResult& r) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(r.err)) {
        if (l.rfind("ignite-host: error:", 0) == 0) out.push_back(l);
    }
    return out;
}

// Exit 2 and ONE error line, naming `file` and containing `text`; with `alone`, stderr
// holds nothing else.
void check_refused(const ignite::test::ProcessResult& r, const fs::path& file, const std::string& text,
                   bool alone = true) {
    INFO(describe(r));
    REQUIRE(r.exited);  // not killed by SIGBUS / SIGSEGV
    CHECK(r.rc == 2);
    const auto lines = error_lines(r);
    REQUIRE(lines.size() == 1);
    if (alone) CHECK(lines_of(r.err).size() == 1);
    CHECK(lines[0].rfind("ignite-host: error: plugin file '" + file.string() + "' ", 0) == 0);
    CHECK(lines[0].find(text) != std::string::npos);
}

// A fresh, not yet existing directory for a train run's output.
fs::path fresh_output_dir(const std::string& name) {
    static int counter = 0;
    const auto d = scratch() / (name + "_" + std::to_string(++counter));
    fs::remove_all(d);
    return d;
}

}  // namespace

// ---- the checker ---------------------------------------------------------------------------

TEST_CASE("plugin files: the ELF check accepts every shipped plugin whole") {
    for (const auto& name : kShipped) {
        INFO(shipped(name));
        REQUIRE(fs::is_regular_file(shipped(name)));
        CHECK(elf_file_problem(shipped(name)) == std::nullopt);
        CHECK(elf_image_problem(read_file(shipped(name))) == std::nullopt);
    }
}

TEST_CASE("plugin files: every proper prefix of a real plugin is refused before dlopen, in process") {
    const std::string& image = console_image();
    REQUIRE(image.size() > 4096);
    const auto lengths = prefix_lengths(image);
    REQUIRE(lengths.size() >= 200);
    REQUIRE(std::find(lengths.begin(), lengths.end(), image.size() - 1) != lengths.end());
    const auto dir = scratch() / "prefixes";
    fs::create_directories(dir);
    for (const auto len : lengths) {
        const std::string_view prefix(image.data(), len);
        const auto file = dir / ("ignite-plugin-prefix" + std::to_string(len) + ".so");
        write_bytes(file, prefix);
        INFO("prefix of " << len << " of " << image.size() << " bytes");
        const auto from_bytes = elf_image_problem(prefix);
        REQUIRE(from_bytes.has_value());
        // Reading the file with pread finds the same problem as the bytes.
        CHECK(elf_file_problem(file) == from_bytes);
        CHECK(from_bytes->find('\n') == std::string::npos);
        if (len == 0) {
            CHECK(from_bytes->rfind("is empty", 0) == 0);
        } else {
            CHECK(from_bytes->rfind("is not a complete ELF shared object (", 0) == 0);
            CHECK(from_bytes->find("the file is truncated or corrupt): rebuild or reinstall it") != std::string::npos);
        }
        // The loader refuses it with the one line, naming the file; it never reaches dlopen
        // (which would die of SIGBUS here, taking the test with it).
        try {
            ignite::host::load_plugin_module(file);
            FAIL("load_plugin_module accepted a truncated file");
        } catch (const ignite::host::PluginError& e) {
            CHECK(std::string(e.what()) == "plugin file '" + file.string() + "' " + *from_bytes);
        }
        fs::remove(file);
    }
    // The whole file, written the same way, passes the check and loads.
    const auto whole = dir / "ignite-plugin-console.so";
    write_bytes(whole, image);
    CHECK(elf_file_problem(whole) == std::nullopt);
    CHECK(std::string(ignite::host::load_plugin_module(whole).info->name) == "console");
}

TEST_CASE("plugin files: the ELF check names what is wrong with a file that is not a plugin for this host") {
    const std::string& good = console_image();
    const auto eh = read_at<Elf64_Ehdr>(good, 0);
    auto problem = [](const std::string& image) { return elf_image_problem(image).value_or("(accepted)"); };
    auto patched = [&](auto&& change) {
        std::string image = good;
        change(image);
        return image;
    };

    CHECK_THAT(problem("#!/bin/sh\necho not a plugin\n"), Catch::StartsWith("is not a loadable shared library"));
    CHECK_THAT(problem(std::string("\x7f"
                                   "ELX",
                                   4)),
               Catch::StartsWith("is not a loadable shared library"));
    CHECK_THAT(problem(patched([](std::string& i) { i[EI_CLASS] = ELFCLASS32; })), Catch::Contains("32-bit"));
    CHECK_THAT(problem(patched([](std::string& i) { i[EI_DATA] = ELFDATA2MSB; })), Catch::Contains("big-endian"));
    CHECK_THAT(problem(patched([](std::string& i) { i[EI_CLASS] = 7; })), Catch::Contains("ELF class byte is 7"));
    CHECK_THAT(problem(patched([&](std::string& i) {
                   auto h = eh;
                   h.e_type = ET_EXEC;
                   write_at(i, 0, h);
               })),
               Catch::StartsWith("is an executable (ET_EXEC), not a shared object"));
    CHECK_THAT(problem(patched([&](std::string& i) {
                   auto h = eh;
                   h.e_machine = h.e_machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
                   write_at(i, 0, h);
               })),
               Catch::StartsWith("was built for ") && Catch::Contains("rebuild the plugin for this machine"));
    CHECK_THAT(problem(patched([&](std::string& i) {
                   auto h = eh;
                   h.e_phnum = 0;
                   write_at(i, 0, h);
               })),
               Catch::Contains("no program headers"));
    CHECK_THAT(problem(patched([&](std::string& i) {
                   auto h = eh;
                   h.e_phoff = ~std::uint64_t{0} - 8;
                   write_at(i, 0, h);
               })),
               Catch::Contains("its program headers start at byte"));

    // A PT_LOAD segment that claims more file bytes than it has memory, or lies past the end.
    const auto load = first_load_header(good);
    CHECK_THAT(problem(patched([&](std::string& i) {
                   auto p = read_at<Elf64_Phdr>(i, load);
                   p.p_filesz = p.p_memsz + 1;
                   write_at(i, load, p);
               })),
               Catch::Contains("file bytes but only"));
    CHECK_THAT(problem(patched([&](std::string& i) {
                   auto p = read_at<Elf64_Phdr>(i, load);
                   p.p_offset = i.size();
                   p.p_filesz = p.p_memsz = 4096;
                   write_at(i, load, p);
               })),
               Catch::Contains("its loadable (PT_LOAD) segment") && Catch::Contains("the file has"));
    // The unpatched copy is accepted: each refusal above comes from its patch alone.
    CHECK(problem(patched([](std::string&) {})) == "(accepted)");

    // Files that are not regular files, or missing.
    const auto dir = scratch() / "not_files";
    fs::create_directories(dir / "ignite-plugin-dir.so");
    CHECK_THAT(elf_file_problem(dir / "ignite-plugin-dir.so").value_or(""), Catch::StartsWith("is a directory"));
    const auto fifo = dir / "ignite-plugin-fifo.so";
    fs::remove(fifo);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // O_NONBLOCK: a FIFO with no writer must not hang the check.
    CHECK_THAT(elf_file_problem(fifo).value_or(""), Catch::StartsWith("is not a regular file"));
    CHECK_THAT(elf_file_problem(dir / "missing.so").value_or(""), Catch::StartsWith("does not exist"));
    write_bytes(dir / "ignite-plugin-empty.so", "");
    CHECK_THAT(elf_file_problem(dir / "ignite-plugin-empty.so").value_or(""), Catch::StartsWith("is empty"));
}

// ---- through the real ignite-host ------------------------------------------------------------

TEST_CASE("plugin files: ignite-host refuses a truncated or non-ELF plugin with exit 2 and one line") {
    const std::string& image = console_image();
    const auto dir = scratch() / "host_prefixes";
    fs::create_directories(dir);
    const auto load = read_at<Elf64_Phdr>(image, first_load_header(image));
    std::vector<std::size_t> lengths{0, 1, 63, 64, image.size() / 2, image.size() - 1};
    lengths.push_back(static_cast<std::size_t>(load.p_offset + load.p_filesz - 1));
    for (const auto len : lengths) {
        const auto file = dir / ("ignite-plugin-cut" + std::to_string(len) + ".so");
        write_bytes(file, std::string_view(image.data(), len));
        const std::string text = len == 0 ? "is empty" : "is not a complete ELF shared object";
        INFO("prefix of " << len << " bytes");
        check_refused(host(IGNITE_HOST_EXE, {"plugins", "inspect", file.string()}), file, text);
        check_refused(
            host(IGNITE_HOST_EXE, {"dry-run", "--epochs", "1", "--epoch-length", "2", "--plugin", file.string()}), file,
            text);
        if (len == image.size() / 2) {
            check_refused(host(IGNITE_HOST_EXE,
                               {"train", "--model", "mlp", "--dataset", "synthetic:200", "--epochs", "1", "--plugin",
                                file.string(), "--output-dir", fresh_output_dir("train_cut").string()}),
                          file, text, false);
        }
    }
    const auto text = dir / "ignite-plugin-text.so";
    write_bytes(text, "this is not a shared library\n");
    check_refused(host(IGNITE_HOST_EXE, {"plugins", "inspect", text.string()}), text,
                  "is not a loadable shared library");
    const auto folder = dir / "ignite-plugin-folder.so";
    fs::create_directories(folder);
    check_refused(host(IGNITE_HOST_EXE, {"plugins", "inspect", folder.string()}), folder, "is a directory");
}

TEST_CASE("plugin files: plugins list and metric suggestions go on past broken files on the search path") {
    const std::string& image = console_image();
    const auto dir = scratch() / "mixed_path";
    fs::remove_all(dir);
    fs::create_directories(dir / "ignite-plugin-folder.so");
    write_bytes(dir / "ignite-plugin-console.so", image);  // a good copy
    write_bytes(dir / "ignite-plugin-cut.so", std::string_view(image.data(), image.size() / 2));
    write_bytes(dir / "ignite-plugin-empty.so", "");
    write_bytes(dir / "ignite-plugin-text.so", "not a plugin\n");

    const auto r = host(IGNITE_HOST_EXE, {"plugins", "list"}, dir.string());
    INFO(describe(r));
    REQUIRE(r.exited);
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    const auto lines = lines_of(r.out);
    auto line_starting = [&](const std::string& head) {
        const auto it = std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return l.rfind(head, 0) == 0; });
        return it == lines.end() ? std::string() : *it;
    };
    // The good copy is listed (it comes first on the path), and so are the build's other plugins.
    CHECK_THAT(line_starting("console "), !Catch::Contains("unusable") && Catch::Contains("1."));
    CHECK_THAT(line_starting("trace "), !Catch::Contains("unusable"));
    const std::vector<std::pair<std::string, std::string>> broken{{"cut", "is not a complete ELF shared object"},
                                                                  {"empty", "is empty"},
                                                                  {"text", "is not a loadable shared library"},
                                                                  {"folder", "is a directory"}};
    for (const auto& [name, why] : broken) {
        const auto file = dir / ("ignite-plugin-" + name + ".so");
        CHECK_THAT(line_starting(file.filename().string()),
                   Catch::Contains("(unusable: plugin file '" + file.string() + "' " + why));
    }

    // train's unknown-metric message loads every plugin on the path to suggest providers.
    const auto t = host(IGNITE_HOST_EXE,
                        {"train", "--model", "mlp", "--dataset", "synthetic:200", "--epochs", "1", "--metric",
                         "no_such_metric", "--output-dir", fresh_output_dir("train_metric").string()},
                        dir.string());
    INFO(describe(t));
    REQUIRE(t.exited);
    CHECK(t.rc == 2);
    REQUIRE(error_lines(t).size() == 1);
    CHECK_THAT(error_lines(t).front(), Catch::Contains("unknown --metric 'no_such_metric'") &&
                                           Catch::Contains("plugins on the search path also offer"));
}

// ---- an installation ---------------------------------------------------------------------------

#if defined(IGNITE_INSTALL_STAGE) && defined(IGNITE_BUILD_DIR) && defined(IGNITE_CMAKE_COMMAND) && \
    defined(IGNITE_INSTALL_BINDIR) && defined(IGNITE_INSTALL_LIBDIR) && defined(IGNITE_PLUGIN_INSTALL_DIR)
TEST_CASE("install: a staged installation finds its core library and plugins under the prefix, and trains") {
    const fs::path stage = IGNITE_INSTALL_STAGE;
    fs::remove_all(stage);
    const auto inst = ignite::test::run_process(
        {IGNITE_CMAKE_COMMAND, "--install", IGNITE_BUILD_DIR, "--prefix", stage.string()}, {"-u DESTDIR"});
    INFO(describe(inst));
    REQUIRE(inst.exited);
    REQUIRE(inst.rc == 0);

    const fs::path exe = stage / IGNITE_INSTALL_BINDIR / "ignite-host";
    const fs::path plugin_dir = stage / IGNITE_PLUGIN_INSTALL_DIR;
    REQUIRE(fs::is_regular_file(exe));
    REQUIRE(fs::is_regular_file(stage / IGNITE_INSTALL_LIBDIR / "libignite_core.so"));
    for (const auto& name : kShipped) {
        INFO(name);
        CHECK(fs::is_regular_file(plugin_dir / ("ignite-plugin-" + name + ".so")));
    }
    // The SDK is still installed for out-of-tree plugins (examples/).
    CHECK(fs::is_regular_file(stage / IGNITE_INSTALL_LIBDIR / "cmake/IgniteSDK/IgniteSDKConfig.cmake"));
    CHECK(fs::is_regular_file(stage / "include/ignite/plugin.h"));

    // The installed ignite-host loads the installed libignite_core, not the build's.
    const auto ldd = ignite::test::run_process({"ldd", exe.string()});
    INFO(describe(ldd));
    // ($ORIGIN expands to STAGE/bin, so ldd shows STAGE/bin/../lib/...)
    CHECK_THAT(ldd.out, Catch::Contains("libignite_core.so => " + stage.string() + "/"));
    CHECK_THAT(ldd.out, !Catch::Contains("not found"));

    // Run from anywhere: a moved installation finds what lies beside it, so nothing about the
    // location is fixed at configure or install time.
    const fs::path moved = stage.string() + "_moved";
    fs::remove_all(moved);
    for (const fs::path& root : {stage, moved}) {
        if (root == moved) fs::rename(stage, moved);
        const fs::path host_exe = root / IGNITE_INSTALL_BINDIR / "ignite-host";
        const fs::path plugins = root / IGNITE_PLUGIN_INSTALL_DIR;
        INFO("installation at " << root);

        const auto list = host(host_exe.string(), {"plugins", "list"});
        INFO(describe(list));
        REQUIRE(list.exited);
        CHECK(list.rc == 0);
        CHECK_THAT(list.out, !Catch::Contains("unusable"));
        for (const auto& name : kShipped) {
            const auto lines = lines_of(list.out);
            CHECK(std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.rfind(name + " ", 0) == 0; }));
            const auto inspect = host(host_exe.string(), {"plugins", "inspect", name});
            INFO(describe(inspect));
            REQUIRE(inspect.rc == 0);
            CHECK_THAT(
                inspect.out,
                Catch::Contains("path:        " + (plugins / ("ignite-plugin-" + name + ".so")).string() + "\n"));
        }
        // The build tree's plugin directory is not searched by an installed host.
        const auto missing = host(host_exe.string(), {"plugins", "inspect", "no_such_plugin"});
        INFO(describe(missing));
        CHECK(missing.rc == 2);
        CHECK_THAT(missing.err, Catch::Contains("[" + plugins.string() + "]"));
        CHECK_THAT(missing.err, !Catch::Contains(IGNITE_PLUGIN_DIR));

        const auto out = fresh_output_dir("installed_train");
        const auto train = host(host_exe.string(), {"train", "--model", "mlp", "--dataset", "synthetic:200", "--epochs",
                                                    "1", "--output-dir", out.string()});
        INFO(describe(train));
        REQUIRE(train.exited);
        CHECK(train.rc == 0);
        CHECK(fs::is_regular_file(out / "metrics.jsonl"));
    }
    fs::remove_all(moved);
}

TEST_CASE("install: the build tree's ignite-host still finds the build's plugins") {
    const auto inspect = host(IGNITE_HOST_EXE, {"plugins", "inspect", "console"});
    INFO(describe(inspect));
    REQUIRE(inspect.rc == 0);
    CHECK_THAT(inspect.out, Catch::Contains("path:        " + shipped("console").string() + "\n"));
}
#endif
