//! A generated end-to-end test of the generated crate: every interface of every role, called
//! through the generated client over loopback HTTP and answered by the generated server, with
//! the full envelope (token, encryption, signatures) and the samples built from the IR.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::samples::{J, sample};
use crate::ir::{Edition, Interface, Role};

use super::crate_name;
use super::samples::sample_text;
use super::util::ident;

/// The payload type as the test names it (`types::…`).
fn payload_type(ir: &Edition, object: &str) -> TokenStream {
    super::server::payload_type_in(ir, object, &quote! { types })
}

fn role_test(ir: &Edition, role: &Role, token: &Interface) -> TokenStream {
    let module = ident(&role.module);
    let trait_name = ident(&format!("{}Platform", role.rust_name));
    let client_name = ident(&format!("{}Client", role.rust_name));
    let handlers_ty = ident(&format!("{}Handlers", role.rust_name));
    let test_name = ident(&format!("every_{}_interface_over_loopback", role.module));
    let mut methods = Vec::new();
    let mut calls = Vec::new();
    for i in ir
        .implemented_by(&role.name)
        .filter(|i| i.name != token.name)
    {
        let f = ident(&i.fn_name);
        let req = payload_type(ir, &i.request.object);
        let resp = payload_type(ir, &i.response.object);
        let name = &i.name;
        match (
            sample_text(ir, &i.request.object),
            sample_text(ir, &i.response.object),
        ) {
            (Some(_), Some(_)) => {
                methods.push(quote! {
                    async fn #f(&self, ctx: server::RequestContext, request: #req) -> ::std::result::Result<#resp, server::HandlerError> {
                        assert_eq!(ctx.interface, #name);
                        assert_eq!(ctx.operator_id, CALLER);
                        if !same(&request, samples::request(#name)) {
                            return Err(server::HandlerError::invalid("the request differs from the sample"));
                        }
                        Ok(sample(samples::response(#name)))
                    }
                });
                calls.push(quote! {
                    let answer = client.#f(&sample(samples::request(#name))).await.unwrap_or_else(|e| panic!("{}: {e}", #name));
                    assert!(same(&answer, samples::response(#name)), "{}: the answer differs from the sample", #name);
                    called += 1;
                });
            }
            _ => methods.push(quote! {
                async fn #f(&self, _ctx: server::RequestContext, _request: #req) -> ::std::result::Result<#resp, server::HandlerError> {
                    Err(server::HandlerError::system("no sample can be built for this interface"))
                }
            }),
        }
    }
    let n = calls.len();
    quote! {
        struct #handlers_ty;

        impl server::#module::#trait_name for #handlers_ty {
            #(#methods)*
        }

        #[chargespec_runtime::tokio::test(crate = "chargespec_runtime::tokio")]
        async fn #test_name() {
            let mut peers = protocol::Peers::new();
            peers.insert(CALLER, keys());
            let endpoint = server::Endpoint::new(CALLEE, peers, server::ServerConfig::default());
            let url = serve(server::#module::router(#handlers_ty, endpoint)).await;
            let client = client::#module::#client_name::new(url, CALLER, keys(), client::default_config()).expect("client");
            let mut called = 0;
            #(#calls)*
            assert_eq!(called, #n);
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let (Some(sec), Some(token)) = (&ir.security, ir.token_interface()) else {
        return quote! {
            //! This edition defines no token interface: no client and server to test.
        };
    };
    let id_sample = ir
        .envelope()
        .and_then(|e| sample(ir, &e.request.sender.ty, 0));
    let Some(J::Str(caller)) = id_sample else {
        return quote! {
            //! No sample OperatorID can be built: nothing to test.
        };
    };
    // The callee's OperatorID: the same shape as the caller's, other characters.
    let callee: String = caller
        .chars()
        .map(|c| match c {
            'A' => 'B',
            '1' => '2',
            c => c,
        })
        .collect();
    let key_inits: Vec<TokenStream> = sec
        .keys
        .iter()
        .map(|k| {
            let f = ident(&k.value.rust_ident);
            let v = match sample(ir, &k.value.ty, 0) {
                Some(J::Str(s)) => s,
                _ => "0123456789ABCDEF".to_owned(),
            };
            quote! { #f: chargespec_runtime::Secret::new(#v), }
        })
        .collect();
    let tests: Vec<TokenStream> = ir.roles.values().map(|r| role_test(ir, r, token)).collect();
    let krate = ident(&crate_name(ir));
    quote! {
        //! Generated: every interface of every role, called through the generated client over
        //! loopback HTTP and answered by the generated server (token, encryption, signatures),
        //! with the samples built from the IR.
        #![cfg(all(feature = "server", feature = "client"))]
        #![allow(clippy::too_many_lines)]

        use #krate::{client, protocol, samples, server, types};

        const CALLER: &str = #caller;
        const CALLEE: &str = #callee;

        fn keys() -> protocol::Keys {
            protocol::Keys { #(#key_inits)* }
        }

        fn sample<T: serde::de::DeserializeOwned>(json: Option<&str>) -> T {
            serde_json::from_str(json.expect("a sample")).expect("the sample decodes")
        }

        fn same<T: serde::Serialize>(value: &T, json: Option<&str>) -> bool {
            serde_json::to_value(value).expect("serialises") == serde_json::from_str::<serde_json::Value>(json.expect("a sample")).expect("the sample is JSON")
        }

        async fn serve(router: chargespec_runtime::axum::Router) -> String {
            let listener = chargespec_runtime::tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("address");
            chargespec_runtime::tokio::spawn(async move { chargespec_runtime::axum::serve(listener, router).await.expect("serve") });
            let base = <protocol::Profile as chargespec_runtime::profile::Profile>::WIRE.default_base_path.unwrap_or_default();
            format!("http://{addr}{base}")
        }

        #(#tests)*
    }
}
