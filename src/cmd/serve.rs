use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use rapport::serve::{ServeOptions, local_url, serve};

#[derive(clap::Args)]
pub struct Args {
    /// The site folder (the one with site.yaml)
    #[arg(default_value = ".")]
    site_dir: PathBuf,
    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on. 127.0.0.1 (the default) keeps the preview
    /// on this machine; 0.0.0.0 (or one of this machine's addresses) shows
    /// it to other machines on the network, at http://<this machine's
    /// address>:<port>/
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Include reports and chapters marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

pub fn run(args: Args) -> i32 {
    if !args.site_dir.join("site.yaml").is_file() {
        eprintln!(
            "error: {} has no site.yaml\n  = help: run rapport serve in a site folder, or create one with `rapport init DIR`",
            args.site_dir.display()
        );
        return 2;
    }
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone on the network who can reach this machine can read the preview, drafts included",
            args.bind
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return 2;
        }
    };
    let opts = ServeOptions {
        site_dir: args.site_dir,
        addr: SocketAddr::new(args.bind, args.port),
        drafts: args.drafts,
    };
    let result = runtime.block_on(serve(opts, |addr| {
        if addr.ip().is_unspecified() {
            println!(
                "serving {} here, and at http://<this machine's address>:{}/ on the network (Ctrl+C to stop)",
                local_url(addr),
                addr.port()
            );
        } else {
            println!("serving {} (Ctrl+C to stop)", local_url(addr));
        }
        let _ = std::io::stdout().flush();
    }));
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "error: cannot serve: {e}\n  = help: is another program using the port? try --port 0"
            );
            2
        }
    }
}
