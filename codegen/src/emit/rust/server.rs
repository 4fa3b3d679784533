//! The server skeleton of each role (axum): a trait with one async method per interface the role
//! implements, and a router mapping each interface (and its aliases) to its method through the
//! runtime's `Endpoint`, which runs the receiver pipeline, seals every answer and answers the
//! token interface of Appendix C from the edition's profile.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{Edition, Interface, Role};

use super::crate_name;
use super::util::{doc_attrs, ident, one_line, provenance_lines, title};

/// The Rust type of an interface's request or response payload.
pub(super) fn payload_type(ir: &Edition, object: &str) -> TokenStream {
    payload_type_in(ir, object, &quote! { crate::types })
}

/// The Rust type of an object under `module` (`crate::types`, or `types` in a test).
pub(super) fn payload_type_in(ir: &Edition, object: &str, module: &TokenStream) -> TokenStream {
    let name = ir
        .objects
        .get(object)
        .map_or(object, |o| o.rust_name.as_str());
    let n = ident(name);
    quote! { #module::#n }
}

/// The documentation of an interface method (server and client).
pub(super) fn interface_doc(i: &Interface, what: &str) -> TokenStream {
    let mut lines = vec![format!("`{}` {}", i.name, title(&i.info))];
    lines.push(String::new());
    lines.push(format!(
        "{what} Implemented by {}, called by {}.",
        i.implementer, i.caller
    ));
    if let Some(t) = &i.trigger {
        lines.push(format!("Trigger: {}.", one_line(t)));
    }
    if !i.route_aliases.is_empty() {
        lines.push(format!(
            "Also routed as: {}.",
            i.route_aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines.push(String::new());
    lines.extend(provenance_lines(&i.prov, i.info.section.as_deref()));
    doc_attrs(&lines)
}

/// The trait and router of one role.
fn role_module(ir: &Edition, role: &Role, token: Option<&Interface>) -> TokenStream {
    let module = ident(&role.module);
    let trait_name = ident(&format!("{}Platform", role.rust_name));
    let ifaces: Vec<&Interface> = ir
        .implemented_by(&role.name)
        .filter(|i| token.is_none_or(|t| t.name != i.name))
        .collect();
    let mut methods = Vec::new();
    let mut routes = Vec::new();
    for i in &ifaces {
        let f = ident(&i.fn_name);
        let req = payload_type(ir, &i.request.object);
        let resp = payload_type(ir, &i.response.object);
        let req_short = payload_type_in(ir, &i.request.object, &quote! { types });
        let resp_short = payload_type_in(ir, &i.response.object, &quote! { types });
        let doc = interface_doc(i, "Handles the request;");
        let name = &i.name;
        methods.push(quote! {
            #doc
            fn #f(&self, ctx: super::RequestContext, request: #req) -> impl ::std::future::Future<Output = ::std::result::Result<#resp, super::HandlerError>> + ::std::marker::Send;
        });
        for path in std::iter::once(name).chain(&i.route_aliases) {
            let path = format!("/{path}");
            routes.push(quote! {
                .route(#path, ::chargespec_runtime::post_interface!(Profile, H, #name, #f, #req_short, #resp_short))
            });
        }
    }
    if let Some(t) = token {
        let path = format!("/{}", t.name);
        routes.insert(
            0,
            quote! {
                .route(#path, ::chargespec_runtime::post_token!(Profile, H))
            },
        );
    }
    let krate = ident(&crate_name(ir));
    let module_doc = doc_attrs(&[
        format!("{} — {}: the server side.", role.info.zh, role.info.en),
        String::new(),
        format!(
            "{} interfaces (plus the token interface, answered by the endpoint).",
            ifaces.len()
        ),
    ]);
    let trait_doc = doc_attrs(&[
        format!(
            "The interfaces {} ({}) implements: one method per interface.",
            role.info.zh, role.info.en
        ),
        String::new(),
        "A handler receives a request only after every check of chapter 10 passed (envelope, token, signature, decryption, validation); it answers the payload, or a [`HandlerError`](super::HandlerError) that becomes the answer's Ret.".to_owned(),
        String::new(),
        "Every method must be written: a router cannot be built for an incomplete implementation.".to_owned(),
        String::new(),
        "```compile_fail".to_owned(),
        "struct Nothing;".to_owned(),
        format!("impl {krate}::server::{module}::{trait_name} for Nothing {{}}"),
        "```".to_owned(),
    ]);
    let n_ifaces = Literal::usize_unsuffixed(ifaces.len());
    // Short paths for the route table (the macros print their arguments as written).
    let uses = match (ifaces.is_empty(), token.is_some()) {
        (true, false) => quote! {},
        (true, true) => quote! { use crate::protocol::Profile; },
        (false, _) => quote! { use crate::protocol::Profile; use crate::types; },
    };
    quote! {
        #module_doc
        pub mod #module {
            #trait_doc
            pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
                #(#methods)*
            }

            /// How many interfaces the trait has (the token interface aside).
            pub const INTERFACES: usize = #n_ifaces;

            /// The router of the role: every interface (and its route aliases) under the
            /// endpoint's base path.
            pub fn router<H: #trait_name>(handler: H, endpoint: super::Endpoint) -> ::chargespec_runtime::axum::Router {
                #uses
                let routes = ::chargespec_runtime::axum::Router::new()
                    #(#routes)*;
                ::chargespec_runtime::endpoint::router(routes, handler, endpoint)
            }
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    if ir
        .security
        .as_ref()
        .and_then(|s| s.envelope.as_ref())
        .is_none()
    {
        return quote! {
            //! This edition defines no envelope, so no server is generated.
        };
    }
    let token = ir.token_interface();
    let roles: Vec<TokenStream> = ir
        .roles
        .values()
        .map(|r| role_module(ir, r, token))
        .collect();
    quote! {
        //! The server side (axum): per role a trait with one async method per interface and a
        //! router, over the runtime's [`Endpoint`](chargespec_runtime::endpoint::Endpoint) with
        //! this edition's [`Profile`](crate::protocol::Profile).
        //!
        //! Every request goes through the receiver pipeline (the spec's processing order, each
        //! check failing with its Ret) before a handler sees it; a handler's error becomes its
        //! Ret; every answer is sealed with the sender's keys (unsigned only when the sender could
        //! not be identified); the endpoint answers the token interface itself. Keys and tokens
        //! never appear in logs or `Debug` output.

        pub use ::chargespec_runtime::endpoint::{Failure, HandlerError, RequestContext, ServerConfig};

        /// One platform's server state: its peers' keys, the tokens it issued, its replay cache
        /// and settings. Shared by the routers of every role it plays.
        pub type Endpoint = ::chargespec_runtime::endpoint::Endpoint<crate::protocol::Profile>;

        /// The state a role's router shares between its routes.
        pub type State<H> = ::chargespec_runtime::endpoint::State<crate::protocol::Profile, H>;

        #(#roles)*
    }
}
