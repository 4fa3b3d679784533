//! `src/samples.rs`: a valid sample of every interface's request and response payload, built
//! from the IR. Implementers use them in their tests; the generated loopback test and the mock
//! operator platform (its default data set) use them too.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::samples::object_sample;
use crate::ir::Edition;

/// The sample JSON of an object, if one can be built.
pub fn sample_text(ir: &Edition, object: &str) -> Option<String> {
    object_sample(ir, ir.objects.get(object)?, 0).map(|j| j.render())
}

pub fn emit(ir: &Edition) -> TokenStream {
    let arms = |request: bool| -> Vec<TokenStream> {
        ir.interfaces
            .values()
            .filter_map(|i| {
                let object = if request {
                    &i.request.object
                } else {
                    &i.response.object
                };
                let json = sample_text(ir, object)?;
                let name = &i.name;
                Some(quote! { #name => ::std::option::Option::Some(#json), })
            })
            .collect()
    };
    let (requests, responses) = (arms(true), arms(false));
    quote! {
        //! A valid sample of every interface's request and response payload (JSON), built from
        //! the spec: every required field present, every value within its constraints. For tests
        //! and mock data; not real data.

        /// The request payload sample of an interface, by its wire name.
        pub fn request(interface: &str) -> ::std::option::Option<&'static str> {
            match interface {
                #(#requests)*
                _ => ::std::option::Option::None,
            }
        }

        /// The response payload sample of an interface, by its wire name.
        pub fn response(interface: &str) -> ::std::option::Option<&'static str> {
            match interface {
                #(#responses)*
                _ => ::std::option::Option::None,
            }
        }
    }
}
