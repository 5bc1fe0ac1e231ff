use maud::html;

fn main() {
    html! {
        if {}
        else {}
        for {}
        while {}
        match {}
    };
}
