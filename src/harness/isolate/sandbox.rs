//! `network = "none"`: the child enters a network namespace of its own, where only loopback
//! exists (brought up here), between fork and exec. As root it needs `CLONE_NEWNET`; otherwise
//! a user namespace around it gives the capability, where the host allows one.

use std::io;

/// Enters a fresh network namespace and brings its loopback interface up. Runs in the forked
/// child: system calls only, no allocation.
pub fn enter_network_namespace() -> io::Result<()> {
    // SAFETY: unshare changes only this (single-threaded, forked) process's namespaces.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        let first = io::Error::last_os_error();
        // Not root: a user namespace gives the capability over a network namespace it owns.
        // SAFETY: as above.
        if unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) } != 0 {
            return Err(first);
        }
    }
    loopback_up()
}

/// Sets `IFF_UP` on `lo` (a new namespace has it down).
fn loopback_up() -> io::Result<()> {
    // SAFETY: a plain socket for the interface ioctls, closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `ifreq` is plain data; zeroed is a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (slot, byte) in req.ifr_name.iter_mut().zip(b"lo\0") {
        *slot = *byte as libc::c_char;
    }
    // SAFETY: SIOCGIFFLAGS/SIOCSIFFLAGS read and write the flags of the named interface in
    // `req`, which we own; `fd` is ours.
    let result = unsafe {
        if libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req) != 0 {
            Err(io::Error::last_os_error())
        } else {
            req.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
            if libc::ioctl(fd, libc::SIOCSIFFLAGS, &req) != 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(())
            }
        }
    };
    // SAFETY: closing the descriptor opened above.
    unsafe { libc::close(fd) };
    result
}
