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
    /// Edit in the browser at /admin/: answer the editor's saves (needs
    /// `cms:` in site.yaml; see docs/cms.md)
    #[arg(long)]
    cms: bool,
    /// The port the editor saves through, on 127.0.0.1 (default: site.yaml's
    /// `cms: local_port`, else 8081; 0 picks a free one)
    #[arg(long, requires = "cms")]
    cms_port: Option<u16>,
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
        cms: args.cms.then_some(args.cms_port),
    };
    let result = runtime.block_on(serve(opts, |addr, backend| {
        let mut said = if addr.ip().is_unspecified() {
            format!(
                "serving {} here, and at http://<this machine's address>:{}/ on the network (Ctrl+C to stop)\n",
                local_url(addr),
                addr.port()
            )
        } else {
            format!("serving {} (Ctrl+C to stop)\n", local_url(addr))
        };
        if let Some(url) = backend {
            said.push_str(&format!(
                "editing at {}admin/, saving through {url} into the site folder\n",
                local_url(addr)
            ));
        }
        // One write, and no panic if whoever started us stopped reading
        // after the first line.
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(said.as_bytes());
        let _ = out.flush();
    }));
    match result {
        Ok(()) => 0,
        // `--cms` on a site without `cms:` (see `rapport::serve::serve`).
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!(
                "error: cannot serve: {e}\n  = help: add `cms:` to site.yaml, with `backend:` and `repo:` (docs/cms.md)"
            );
            2
        }
        Err(e) => {
            eprintln!(
                "error: cannot serve: {e}\n  = help: is another program using the port? try --port 0 (and --cms-port 0)"
            );
            2
        }
    }
}
