// The reading of image contents without a registry: layers written here with
// libarchive (bare, gzip, zstd), stacked with their whiteouts, summarized;
// limits and malformed layers end in errors. The registry path is in
// supply_contents_registry_test.cc.
#include "supply/image_contents.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "supply/layer_reader.h"

namespace kg::supply {
namespace {

using rules::ImageContentsStatus;

struct TarEntry {
  std::string path;
  EntryType type = EntryType::File;
  uint32_t mode = 0755;
  std::string content;
  std::string link;
  int64_t uid = 0;
  int64_t gid = 0;
};

enum class Filter { None, Gzip, Zstd };

// A tar layer in memory, as a build tool would write it.
std::string make_tar(const std::vector<TarEntry>& entries, Filter filter = Filter::Gzip) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (filter == Filter::Gzip) archive_write_add_filter_gzip(a);
  if (filter == Filter::Zstd) archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* user, const void* data, size_t n) -> la_ssize_t {
        static_cast<std::string*>(user)->append(static_cast<const char*>(data), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& t : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.path.c_str());
    archive_entry_set_perm(e, t.mode);
    archive_entry_set_uid(e, t.uid);
    archive_entry_set_gid(e, t.gid);
    switch (t.type) {
      case EntryType::Directory: archive_entry_set_filetype(e, AE_IFDIR); break;
      case EntryType::Symlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, t.link.c_str());
        break;
      case EntryType::Hardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, t.link.c_str());
        break;
      default:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(t.content.size()));
    }
    archive_write_header(a, e);
    if (!t.content.empty()) archive_write_data(a, t.content.data(), t.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

TarEntry file(std::string path, uint32_t mode = 0755, std::string content = "x") {
  return TarEntry{std::move(path), EntryType::File, mode, std::move(content), "", 0, 0};
}
TarEntry dir(std::string path) { return TarEntry{std::move(path), EntryType::Directory, 0755, "", "", 0, 0}; }
TarEntry symlink(std::string path, std::string target) {
  return TarEntry{std::move(path), EntryType::Symlink, 0777, "", std::move(target), 0, 0};
}

// Stacks the layers as read_image_contents does and summarizes them.
rules::ImageContents stack(const std::vector<std::vector<TarEntry>>& layers, std::string_view user = "",
                           Filter filter = Filter::Gzip) {
  ImageFs fs;
  LayerBudget budget;
  for (const auto& l : layers) {
    LayerResult r = read_layer(make_tar(l, filter), budget, [](std::string_view p) { return p == "etc/passwd"; });
    EXPECT_EQ(r.error, "");
    fs.apply_layer(std::move(r.entries));
  }
  return summarize(fs, user);
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(ImageLayers, PathsAreNormalizedAndWhiteoutsRecognized) {
  EXPECT_EQ(normalize_entry_path("./usr//bin/sh/"), "usr/bin/sh");
  EXPECT_EQ(normalize_entry_path("/etc/passwd"), "etc/passwd");
  EXPECT_FALSE(normalize_entry_path("./"));
  EXPECT_FALSE(normalize_entry_path("usr/../../etc/shadow"));
  auto w = whiteout_of("bin/.wh.sh");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->target, "bin/sh");
  EXPECT_FALSE(w->opaque);
  auto o = whiteout_of("usr/bin/.wh..wh..opq");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->target, "usr/bin");
  EXPECT_TRUE(o->opaque);
  EXPECT_FALSE(whiteout_of("bin/sh"));
  EXPECT_FALSE(whiteout_of("bin/.wh."));
}

TEST(ImageLayers, WhiteoutHidesTheShellOfALowerLayer) {
  auto c = stack({{dir("bin"), file("bin/sh"), file("bin/bash"), dir("bin/lib"), file("bin/lib/x")},
                  {file("bin/.wh.sh", 0644, ""), file("bin/.wh.lib", 0644, "")}});
  ASSERT_EQ(c.status, ImageContentsStatus::Read);
  EXPECT_EQ(c.shells, std::vector<std::string>{"/bin/bash"});
  // The whiteout of the shell only: a layer that adds it back shows it again.
  auto again = stack({{file("bin/sh")}, {file("bin/.wh.sh", 0644, "")}, {file("bin/sh")}});
  EXPECT_EQ(again.shells, std::vector<std::string>{"/bin/sh"});
}

TEST(ImageLayers, OpaqueDirectoryHidesLowerLayersButNotItsOwn) {
  auto c = stack({{dir("usr"), dir("usr/bin"), file("usr/bin/apt"), file("usr/bin/dpkg"), file("usr/bin/sh")},
                  {dir("usr/bin"), file("usr/bin/.wh..wh..opq", 0644, ""), file("usr/bin/pip3.11")}});
  EXPECT_TRUE(c.shells.empty());
  EXPECT_EQ(c.package_managers, std::vector<std::string>{"/usr/bin/pip3.11"});
}

TEST(ImageLayers, AFileOverADirectoryReplacesIt) {
  auto c = stack({{dir("opt/bin"), file("opt/bin/bash")}, {file("opt/bin", 0644)}});
  EXPECT_TRUE(c.shells.empty());
}

TEST(ImageLayers, LinksCountWhenTheirTargetExists) {
  // Debian's merged /usr: /bin is a link to usr/bin; sh links to dash.
  auto c = stack({{symlink("bin", "usr/bin"), dir("usr/bin"), file("usr/bin/dash"), symlink("usr/bin/sh", "dash"),
                   symlink("usr/bin/bash", "/nowhere/bash"), symlink("sbin/ash", "/bin/dash"),
                   symlink("usr/bin/loop", "loop"), symlink("usr/bin/zsh", "loop")}});
  EXPECT_TRUE(has(c.shells, "/usr/bin/dash")) << ::testing::PrintToString(c.shells);
  EXPECT_TRUE(has(c.shells, "/usr/bin/sh -> /usr/bin/dash"));
  EXPECT_TRUE(has(c.shells, "/sbin/ash -> /usr/bin/dash"));  // through the /bin link
  EXPECT_EQ(c.shells.size(), 3u);                            // bash dangles, zsh loops
  // Busybox as the distroless-with-a-shell images carry it.
  auto b = stack({{file("bin/busybox", 0755), TarEntry{"bin/sh", EntryType::Hardlink, 0755, "", "bin/busybox"}}});
  EXPECT_TRUE(has(b.shells, "/bin/busybox"));
  EXPECT_TRUE(has(b.shells, "/bin/sh"));
  // Names outside a bin or sbin directory are data, not commands.
  EXPECT_TRUE(stack({{file("usr/share/doc/bash"), file("etc/apt")}}).shells.empty());
}

TEST(ImageLayers, SetuidAndSetgidFiles) {
  TarEntry wall = file("usr/bin/wall", 02755);
  wall.gid = 5;
  auto c = stack({{file("bin/su", 04755), wall, file("usr/bin/both", 06755), file("usr/bin/plain", 0755),
                   TarEntry{"tmp", EntryType::Directory, 01777, "", ""}}});
  EXPECT_EQ(c.setuid_files,
            (std::vector<std::string>{"/bin/su (setuid root)", "/usr/bin/both (setuid root, setgid root)",
                                      "/usr/bin/wall (setgid 5)"}));
}

TEST(ImageLayers, TheConfigUserDecidesRoot) {
  ImageFs fs;
  LayerBudget budget;
  auto r = read_layer(make_tar({file("etc/passwd", 0644,
                                     "root:x:0:0:root:/root:/bin/sh\nadmin:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/\n")}),
                      budget, [](std::string_view p) { return p == "etc/passwd"; });
  ASSERT_EQ(r.error, "");
  fs.apply_layer(std::move(r.entries));
  for (std::string_view root : {"", "0", "00", "root", "0:0", "root:staff", "admin", "0:1000"}) {
    EXPECT_TRUE(user_is_root(root, fs)) << root;
  }
  for (std::string_view user : {"1000", "1000:0", "app", "65532:65532", "nobody"}) {
    EXPECT_FALSE(user_is_root(user, fs)) << user;
  }
  auto c = summarize(fs, "app");
  EXPECT_EQ(c.user, "app");
  EXPECT_FALSE(c.user_is_root);
}

TEST(ImageLayers, BareGzipAndZstdLayersReadTheSame) {
  for (Filter f : {Filter::None, Filter::Gzip, Filter::Zstd}) {
    auto c = stack({{file("bin/sh"), file("sbin/apk"), file("bin/mount", 04755)}}, "", f);
    EXPECT_EQ(c.shells, std::vector<std::string>{"/bin/sh"});
    EXPECT_EQ(c.package_managers, std::vector<std::string>{"/sbin/apk"});
    EXPECT_EQ(c.setuid_files.size(), 1u);
  }
}

TEST(ImageLayers, LimitsAndMalformedLayersEndInErrors) {
  std::vector<TarEntry> many;
  for (int i = 0; i < 50; ++i) many.push_back(file("f" + std::to_string(i)));
  LayerBudget entries;
  entries.max_entries = 20;
  auto r = read_layer(make_tar(many), entries);
  EXPECT_EQ(r.limit, "--inspect-max-entries");
  EXPECT_NE(r.error.find("more than 20 entries"), std::string::npos);

  // 4 MiB of zeros compress to a few KB: the unpacked limit is what stops them.
  LayerBudget bytes;
  bytes.max_unpacked_bytes = 1 << 20;
  r = read_layer(make_tar({file("big", 0644, std::string(4 << 20, '\0'))}), bytes);
  EXPECT_EQ(r.limit, "--inspect-max-unpacked");
  EXPECT_LE(bytes.unpacked_bytes, size_t{1} << 20);

  // The budget is per image: two layers under the limit each, over it together.
  LayerBudget shared;
  shared.max_unpacked_bytes = 3 << 20;
  EXPECT_EQ(read_layer(make_tar({file("a", 0644, std::string(2 << 20, 'a'))}), shared).error, "");
  EXPECT_EQ(read_layer(make_tar({file("b", 0644, std::string(2 << 20, 'b'))}), shared).limit, "--inspect-max-unpacked");

  LayerBudget late;
  late.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  EXPECT_EQ(read_layer(make_tar({file("a")}), late).limit, "--inspect-timeout");

  LayerBudget any;
  EXPECT_NE(read_layer("this is not a layer", any).error, "");
  std::string truncated = make_tar({file("a", 0644, std::string(100000, 'q')), file("b")});
  truncated.resize(truncated.size() / 2);
  EXPECT_NE(read_layer(truncated, any).error, "");
  EXPECT_NE(read_layer("", any).error, "");
  // A zip is an archive libarchive knows, but not a layer.
  EXPECT_NE(read_layer(std::string("PK\x03\x04", 4) + std::string(100, '\0'), any).error, "");
}

TEST(ImageLayers, EntriesThatClimbOutOfTheRootAreNotApplied) {
  auto c = stack({{file("../../bin/sh"), file("bin/../../sbin/bash"), file("./bin/ash")}});
  EXPECT_EQ(c.shells, std::vector<std::string>{"/bin/ash"});
}

}  // namespace
}  // namespace kg::supply
