package tensor

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// availableMemory returns the bytes this process can still get from the system: MemAvailable
// plus SwapFree from /proc/meminfo, capped by the room left under a cgroup v2 or v1 memory
// limit when one is set. It returns -1 when /proc/meminfo cannot be read.
func availableMemory() int64 {
	mi, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return -1
	}
	memAvail, ok := meminfoField(mi, "MemAvailable:")
	if !ok {
		return -1
	}
	swap, _ := meminfoField(mi, "SwapFree:")
	avail := memAvail + swap
	if room, ok := cgroupRoom(); ok {
		avail = min(avail, room)
	}
	return avail
}

// meminfoField returns the value, in bytes, of a /proc/meminfo line such as
// "MemAvailable:   23928932 kB".
func meminfoField(mi []byte, key string) (int64, bool) {
	for line := range bytes.Lines(mi) {
		rest, ok := bytes.CutPrefix(line, []byte(key))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) == 0 {
			return 0, false
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		if len(f) > 1 && f[1] == "kB" {
			v *= 1024
		}
		return v, true
	}
	return 0, false
}

// cgroupRoom returns how many more bytes the process's memory cgroup admits: its limit less
// its usage, not counting inactive page cache, which the kernel reclaims before it refuses.
// ok is false when no limit is set or none can be read.
func cgroupRoom() (room int64, ok bool) {
	v2, v1 := cgroupPaths()
	room = math.MaxInt64
	for _, dir := range v2 {
		if r, limited := groupRoom(dir, "memory.max", "memory.current", "inactive_file"); limited {
			room, ok = min(room, r), true
		}
	}
	for _, dir := range v1 {
		if r, limited := groupRoom(dir, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"); limited {
			room, ok = min(room, r), true
		}
	}
	return room, ok
}

// groupRoom reads one cgroup directory's limit, usage and inactive page cache; limited is false
// when the directory has no limit (v2's "max", or v1's huge page-aligned 2^63 - 4096).
func groupRoom(dir, limitFile, usageFile, inactiveKey string) (room int64, limited bool) {
	limit, ok := readCgroupInt(filepath.Join(dir, limitFile))
	if !ok || limit >= math.MaxInt64/2 {
		return 0, false
	}
	usage, _ := readCgroupInt(filepath.Join(dir, usageFile))
	inactive := cgroupStat(filepath.Join(dir, "memory.stat"), inactiveKey)
	return max(limit-max(usage-inactive, 0), 0), true
}

// cgroupPaths lists the directories that may hold the process's memory cgroup files, for v2
// and v1: its own group (from /proc/self/cgroup) and each ancestor under the usual mount
// points, down to the mount points themselves, which is where a container's cgroup namespace
// puts its group. A limit on any of them bounds the process.
func cgroupPaths() (v2, v1 []string) {
	const root2, root1 = "/sys/fs/cgroup", "/sys/fs/cgroup/memory"
	if b, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		for line := range strings.Lines(string(b)) {
			// hierarchy-ID:controller-list:path
			parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
			if len(parts) != 3 {
				continue
			}
			switch {
			case parts[0] == "0" && parts[1] == "":
				v2 = ancestors(root2, parts[2])
			case hasController(parts[1], "memory"):
				v1 = ancestors(root1, parts[2])
			}
		}
	}
	if len(v2) == 0 {
		v2 = []string{root2}
	}
	if len(v1) == 0 {
		v1 = []string{root1}
	}
	return v2, v1
}

// ancestors returns root/p, its parents under root, and root.
func ancestors(root, p string) []string {
	var dirs []string
	for p = filepath.Clean("/" + p); p != "/"; p = filepath.Dir(p) {
		dirs = append(dirs, filepath.Join(root, p))
	}
	return append(dirs, root)
}

func hasController(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readCgroupInt reads a cgroup file holding one integer; "max" (no limit) reads as MaxInt64.
func readCgroupInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return math.MaxInt64, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// cgroupStat returns one counter of a cgroup's memory.stat, or 0.
func cgroupStat(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok && k == key {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}
