// SPDX-License-Identifier: GPL-2.0 OR MIT
// Typed results of libsmc: plain data, one struct per kernel object. Field names follow the
// kernel's attributes; values are host order and already decoded (strings trimmed, ifindexes
// resolved to names where the kernel gives a number). Optional fields are attributes that only
// some kernels send.
#ifndef SMC_TYPES_H
#define SMC_TYPES_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smc {

// ---- SMC_GEN_NETLINK
// ------------------------------------------------------------------------------

/// GET_SYS_INFO: what the module says about itself.
struct SysInfo {
    uint8_t version = 0;         ///< highest SMC version the module speaks (2 = SMCv2)
    uint8_t release = 0;         ///< SMCv2 release (0 = v2.0, 1 = v2.1)
    bool ism_v2 = false;         ///< an ISMv2 (SMC-Dv2) device is present
    std::optional<bool> smcr_v2; ///< SMC-Rv2 capable (newer kernels only)
    std::string hostname;        ///< local host name sent in CLC v2 messages
    std::string seid;            ///< system EID, empty when there is none (not s390)
};

/// v2 details of a link group (SMC_NLA_LGR_R_V2_COMMON).
struct LinkGroupV2 {
    uint8_t version = 0;
    uint8_t release = 0;
    uint8_t peer_os = 0; ///< 1 z/OS, 2 Linux, 3 AIX (see peer_os_name())
    std::string negotiated_eid;
    std::string peer_host;
    std::optional<uint8_t> max_conns;
    std::optional<uint8_t> max_links;
};

/// GET_LGR_SMCR: one SMC-R link group.
struct LinkGroup {
    uint32_t id = 0;
    uint8_t role = 0; ///< 0 client, 1 server
    uint8_t type = 0; ///< see lgr_type_name()
    std::string pnetid;
    uint8_t vlan = 0;
    uint32_t conns = 0;
    std::optional<LinkGroupV2> v2;
    std::optional<bool> v2_direct; ///< peer in the same subnet (no gateway)
    std::optional<uint64_t> net_cookie;
    std::optional<uint8_t> buf_type;      ///< 0 physically contiguous, 1 virtual, 2 mixed
    std::optional<uint64_t> sndbuf_alloc; ///< bytes of send buffers allocated (newer kernels)
    std::optional<uint64_t> rmb_alloc;    ///< bytes of RMBs allocated (newer kernels)
};

/// GET_LINK_SMCR: one link of an SMC-R link group.
struct Link {
    uint32_t lgr_id = 0; ///< link group it belongs to
    uint8_t id = 0;
    uint32_t state = 0; ///< see link_state_name()
    std::string ib_dev;
    uint8_t ib_port = 0;
    std::string gid;      ///< local GID, IPv6 notation ("::ffff:198.18.0.1")
    std::string peer_gid; ///< peer GID, IPv6 notation
    uint32_t conns = 0;
    uint32_t netdev_ifindex = 0;
    std::string netdev; ///< name of netdev_ifindex in this netns, empty if unknown
    uint32_t uid = 0;
    uint32_t peer_uid = 0;
};

/// One port of an SMC device.
struct DevicePort {
    uint8_t port = 0; ///< 1-based port number
    bool pnetid_by_user = false;
    std::string pnetid;
    uint32_t netdev_ifindex = 0;
    std::string netdev;
    bool active = false;
    bool valid = false;
    uint32_t links = 0;
};

/// GET_DEV_SMCR / GET_DEV_SMCD: one SMC-capable device.
struct Device {
    bool smcd = false;
    std::string ib_name; ///< RDMA device (SMC-R)
    uint32_t use_cnt = 0;
    bool critical = false; ///< a link group depends on it alone (no failover)
    uint32_t pci_fid = 0;
    uint16_t pci_chid = 0;
    uint16_t pci_vendor = 0;
    uint16_t pci_device = 0;
    std::string pci_id;
    std::vector<DevicePort> ports;
};

/// Size buckets of the buffer and payload histograms: ≤8K, 16K, 32K, 64K, 128K, 256K, 512K,
/// 1024K, >1024K.
constexpr std::size_t kHistBuckets = 9;
using Histogram = std::array<uint64_t, kHistBuckets>;

/// Buffer statistics of one direction (SMC_NLA_STATS_T_{TX,RX}_RMB_STATS).
struct BufferStats {
    uint64_t peer_size_small = 0; ///< TX: the peer's RMB was too small for a request
    uint64_t size_small = 0;      ///< the local buffer was too small for a request
    uint64_t peer_full = 0;       ///< TX: the peer's RMB was full
    uint64_t full = 0;            ///< the local buffer was full
    uint64_t reuse = 0;           ///< buffers reused from the pool
    uint64_t alloc = 0;           ///< buffers allocated
    uint64_t downgrade = 0;       ///< a smaller buffer than wanted was allocated
};

/// Per technology statistics (SMC_NLA_STATS_SMCR_TECH / _SMCD_TECH).
struct TechStats {
    Histogram tx_buf_size{}; ///< sizes of send buffers allocated
    Histogram rx_buf_size{}; ///< sizes of RMBs allocated
    Histogram tx_payload{};  ///< sizes of send requests
    Histogram rx_payload{};  ///< sizes of receive requests
    BufferStats tx_buf;
    BufferStats rx_buf;
    uint64_t clnt_v1_succ = 0;
    uint64_t clnt_v2_succ = 0;
    uint64_t srv_v1_succ = 0;
    uint64_t srv_v2_succ = 0;
    uint64_t sendpage = 0;
    uint64_t splice = 0;
    uint64_t cork = 0;
    uint64_t nodelay = 0;
    uint64_t urgent = 0;
    uint64_t rx_bytes = 0;
    uint64_t tx_bytes = 0;
    uint64_t rx_calls = 0;
    uint64_t tx_calls = 0;
    std::optional<uint64_t> rx_buf_usage; ///< bytes of RMBs in use (newer kernels)
    std::optional<uint64_t> tx_buf_usage; ///< bytes of send buffers in use (newer kernels)
};

/// GET_STATS: the per-netns counters.
struct Stats {
    TechStats smcr;
    TechStats smcd;
    uint64_t clnt_hs_err = 0; ///< client handshakes that failed without a fallback
    uint64_t srv_hs_err = 0;
};

struct FallbackReason {
    uint32_t code = 0;
    uint64_t count = 0; ///< the kernel keeps 16 bits per reason
};

/// GET_FBACK_STATS: fallbacks per side, with the reasons the kernel remembers.
struct FallbackStats {
    uint64_t server_total = 0;
    uint64_t client_total = 0;
    std::vector<FallbackReason> server;
    std::vector<FallbackReason> client;
};

/// SEID state (DUMP_SEID); absent on machines without an ISMv2 device.
struct SeidInfo {
    bool present = false;
    std::string seid;
    bool enabled = false;
};

// ---- SMC_PNETID
// -----------------------------------------------------------------------------------

/// One entry of the PNET table: a PNET ID bound to a netdev or to an RDMA device port.
struct PnetEntry {
    std::string pnetid;
    std::string ethname; ///< empty if the entry names an RDMA device
    std::string ibname;  ///< empty if the entry names a netdev
    uint8_t ibport = 0;  ///< 1-based; the kernel reports 255 for netdev entries
};

// ---- sock_diag
// ------------------------------------------------------------------------------------

enum class SockMode : uint8_t { smcr = 0, fallback_tcp = 1, smcd = 2 };

struct DiagCursor {
    uint16_t wrap = 0;
    uint32_t count = 0;
};

/// SMC_DIAG_CONNINFO: buffers and cursors of an SMC connection.
struct ConnInfo {
    uint32_t token = 0;
    uint32_t sndbuf_size = 0;
    uint32_t rmbe_size = 0;
    uint32_t peer_rmbe_size = 0;
    DiagCursor rx_prod, rx_cons, tx_prod, tx_cons;
    uint8_t rx_prod_flags = 0, rx_conn_state_flags = 0;
    uint8_t tx_prod_flags = 0, tx_conn_state_flags = 0;
    DiagCursor tx_prep, tx_sent, tx_fin;
};

/// SMC_DIAG_LGRINFO: the first link of the socket's SMC-R link group.
struct LgrInfo {
    uint8_t role = 0;
    uint8_t link_id = 0;
    std::string ib_name;
    uint8_t ib_port = 0;
    std::string gid;      ///< IPv6 notation
    std::string peer_gid; ///< IPv6 notation
};

/// SMC_DIAG_DMBINFO (SMC-D).
struct DmbInfo {
    uint32_t link_id = 0;
    uint64_t peer_gid = 0;
    uint64_t my_gid = 0;
    uint64_t token = 0;
    uint64_t peer_token = 0;
};

/// A process holding a socket (from /proc/PID/fd).
struct ProcessRef {
    int pid = 0;
    int fd = 0;
    std::string comm;
};

/// One AF_SMC socket as sock_diag reports it.
struct Socket {
    uint8_t state = 0; ///< see state_name()
    SockMode mode = SockMode::smcr;
    uint8_t shutdown = 0;          ///< SHUT_RD bit 1, SHUT_WR bit 2 (sk_shutdown)
    int family = 0;                ///< AF_INET or AF_INET6; a guess (see diag.h)
    std::array<uint8_t, 16> src{}; ///< IPv4 in the first 4 bytes
    std::array<uint8_t, 16> dst{};
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint32_t ifindex = 0; ///< SO_BINDTODEVICE of the socket, 0 if none
    uint64_t cookie = 0;
    uint32_t uid = 0;
    uint64_t inode = 0;
    uint32_t fallback_reason = 0; ///< 0 unless mode is fallback_tcp (SMC_DIAG_FALLBACK)
    uint32_t peer_diagnosis = 0;  ///< the peer's Decline code, 0 if none
    std::optional<ConnInfo> conn;
    std::optional<LgrInfo> lgr;
    std::optional<DmbInfo> dmb;
    std::vector<ProcessRef> users; ///< filled by attach_owners()
};

// ---- sysctl
// ---------------------------------------------------------------------------------------

/// What libsmc knows about a net.smc.* sysctl (independent of the running kernel).
struct SysctlInfo {
    const char* name; ///< without the "net.smc." prefix
    bool numeric;
    int64_t min; ///< valid range when numeric
    int64_t max;
    const char* default_value; ///< upstream's (stock smc.ko's)
    const char* unit;          ///< "bytes", "seconds", "" ...
    const char* description;   ///< one line
    const char* smcr_default;  ///< smcr.ko's where it differs from upstream's, else nullptr
};

/// A net.smc.* sysctl as present in this netns.
struct SysctlEntry {
    std::string name;                 ///< full name, "net.smc.wmem"
    std::string value;                ///< as the kernel prints it, whitespace trimmed
    const SysctlInfo* info = nullptr; ///< nullptr for a sysctl libsmc does not know
};

} // namespace smc

#endif // SMC_TYPES_H
