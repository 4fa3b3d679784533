//! The client of each role (reqwest with rustls): one async method per interface the role
//! implements, over a [`Client`] that fetches and caches the token of Appendix C, seals requests,
//! verifies and opens answers, renews a refused token once, and resends on transient failures
//! with the spec's resend rule as its default.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Edition, Interface, Role};

use super::server::{interface_doc, payload_type};
use super::util::{doc_attrs, ident};

fn role_module(ir: &Edition, role: &Role, token: Option<&Interface>) -> TokenStream {
    let module = ident(&role.module);
    let client = ident(&format!("{}Client", role.rust_name));
    let methods: Vec<TokenStream> = ir
        .implemented_by(&role.name)
        .filter(|i| token.is_none_or(|t| t.name != i.name))
        .map(|i| {
            let f = ident(&i.fn_name);
            let req = payload_type(ir, &i.request.object);
            let resp = payload_type(ir, &i.response.object);
            let doc = interface_doc(i, "Calls the interface;");
            let name = &i.name;
            quote! {
                #doc
                pub async fn #f(&self, request: &#req) -> ::std::result::Result<#resp, ::chargespec_runtime::client::ClientError> {
                    self.0.call(#name, request).await
                }
            }
        })
        .collect();
    let doc = doc_attrs(&[
        format!(
            "A client of {} ({}): calls the interfaces it implements.",
            role.info.zh, role.info.en
        ),
        String::new(),
        "Every method seals the request, sends it with the cached token, verifies and opens the answer.".to_owned(),
    ]);
    quote! {
        /// The client of the role's interfaces.
        pub mod #module {
            #doc
            #[derive(::core::fmt::Debug)]
            pub struct #client(pub super::Client);

            impl #client {
                /// A client of the platform at `base_url` (the URL up to the interface name).
                pub fn new(
                    base_url: impl ::std::convert::Into<::std::string::String>,
                    own_operator_id: impl ::std::convert::Into<::std::string::String>,
                    keys: crate::protocol::Keys,
                    config: ::chargespec_runtime::client::ClientConfig,
                ) -> ::std::result::Result<Self, ::chargespec_runtime::client::ClientError> {
                    super::Client::new(base_url, own_operator_id, keys, config).map(Self)
                }

                #(#methods)*
            }
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let Some(token) = ir.token_interface() else {
        return quote! {
            //! This edition defines no token interface, so no client is generated.
        };
    };
    if ir
        .security
        .as_ref()
        .and_then(|s| s.envelope.as_ref())
        .is_none()
    {
        return TokenStream::new();
    }
    let roles: Vec<TokenStream> = ir
        .roles
        .values()
        .map(|r| role_module(ir, r, Some(token)))
        .collect();
    quote! {
        //! The client side (reqwest with rustls): per role a typed client with one async method
        //! per interface, over the runtime's [`Client`](chargespec_runtime::client::Client) with
        //! this edition's [`Profile`](crate::protocol::Profile).
        //!
        //! A call fetches the token once and caches it (renewing it before its announced end),
        //! seals the request (encryption, signature, `TimeStamp`, `Seq`), verifies the answer's
        //! signature before decrypting it, renews a refused token once, and resends on a
        //! transient failure (transport error, timeout, "busy") following the resend rule.

        /// A connection to one peer platform. `Debug` never shows keys or tokens.
        pub type Client = ::chargespec_runtime::client::Client<crate::protocol::Profile>;

        /// The default client settings: the spec's resend rule (attempts and interval), a 30 s
        /// timeout, tokens renewed 60 s before they end.
        pub fn default_config() -> ::chargespec_runtime::client::ClientConfig {
            ::chargespec_runtime::client::default_config::<crate::protocol::Profile>()
        }

        #(#roles)*
    }
}
