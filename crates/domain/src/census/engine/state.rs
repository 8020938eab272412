//! Evaluation over one snapshot of the answers: the expression [`Context`], relevance (memoised
//! for the snapshot), issues, page views, pruning and the plan of a post.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::values::{is_date, is_decimal, is_geopoint, is_input, is_integer};
use super::{
    At, ChoiceView, DefaultValue, Engine, FieldPath, Flag, InstanceView, Issue, IssueKind, ItemView, MAX_INSTANCES,
    MAX_TEXT_LEN, values,
};
use crate::census::answers::{Answer, Answers};
use crate::census::expr::{Context, Expr, Value};
use crate::census::xlsform::{Choice, Kind, Labels, MetaKind};
use time::Date;

/// Deepest nesting of relevance evaluations that a `${…}` reference triggers (the relevance of
/// a referenced field can depend on another field, and so on). Beyond it, references read the
/// stored value without checking relevance, so hostile or pathological forms cannot overflow
/// the stack.
const MAX_RELEVANCE_DEPTH: usize = 48;

/// A relevance cache key: node and the instance path it sees.
type Key = (usize, Vec<(usize, usize)>);

/// The answers being evaluated, with the relevance of the nodes evaluated so far.
pub(super) struct State<'a, 'f> {
    pub(super) engine: &'a Engine<'f>,
    pub(super) answers: &'a Answers,
    pub(super) today: Date,
    /// `Some(relevant)`, or `None` while being evaluated (a cycle counts as relevant).
    relevance: RefCell<HashMap<Key, Option<bool>>>,
    depth: Cell<usize>,
}

/// The evaluation context of one node: the snapshot, the instance path and the value of `.`.
pub(super) struct Ctx<'s, 'a, 'f> {
    state: &'s State<'a, 'f>,
    at: &'s At,
    current: &'s str,
    choice: Option<&'s Choice>,
}

impl Context for Ctx<'_, '_, '_> {
    /// See the module documentation of [`super`]: same instance, enclosing instances, top
    /// level; other instances as node-sets. Non-relevant answers read as `""` and non-relevant
    /// instances are left out.
    fn resolve(&self, name: &str) -> Option<Value> {
        let st = self.state;
        let engine = st.engine;
        let &id = engine.by_name.get(name)?;
        let node = &engine.nodes[id];
        let shared = node.repeats.iter().zip(self.at).take_while(|(r, (a, _))| *r == a).count();
        let base = self.at[..shared].to_vec();
        let rest = &node.repeats[shared..];
        let is_repeat = node.item.kind == Kind::Repeat;
        let masked = st.depth.get() < MAX_RELEVANCE_DEPTH;
        let relevant = |id: usize, at: &At| !masked || st.relevant(id, at);
        if rest.is_empty() && !is_repeat {
            let value = if relevant(id, &base) { st.scope(&base).value(name) } else { "" };
            return Some(Value::Str(value.to_owned()));
        }
        let mut paths = vec![base];
        let repeats = rest.iter().copied().chain(is_repeat.then_some(id));
        for r in repeats {
            let repeat = engine.nodes[r].item.name.as_str();
            let mut next = Vec::new();
            for path in paths {
                for i in 0..st.scope(&path).repeat(repeat).len() {
                    let mut deeper = path.clone();
                    deeper.push((r, i));
                    if relevant(r, &deeper) {
                        next.push(deeper);
                    }
                }
            }
            paths = next;
        }
        Some(Value::Nodes(if is_repeat {
            vec![String::new(); paths.len()]
        } else {
            paths
                .iter()
                .map(|p| if relevant(id, p) { st.scope(p).value(name).to_owned() } else { String::new() })
                .collect()
        }))
    }

    fn current(&self) -> Value {
        Value::Str(self.current.to_owned())
    }

    fn position(&self) -> Option<usize> {
        self.at.last().map(|(_, i)| i + 1)
    }

    fn today(&self) -> Date {
        self.state.today
    }

    fn column(&self, name: &str) -> Option<Value> {
        let choice = self.choice?;
        let value = match name {
            "name" => choice.name.clone(),
            "label" => self.state.engine.form.text(&choice.label, "").unwrap_or_default().to_owned(),
            _ => choice.extra.get(name).cloned().unwrap_or_default(),
        };
        Some(Value::Str(value))
    }
}

/// An owned instance path.
pub(super) type Path = Vec<(usize, usize)>;

/// What a post changes: the editable fields (scope, node), and the new instance counts
/// (scope, repeat, n).
#[derive(Default)]
pub(super) struct Plan {
    pub(super) fields: Vec<(Path, usize)>,
    pub(super) resizes: Vec<(Path, usize, usize)>,
}

impl<'a, 'f> State<'a, 'f> {
    pub(super) fn new(engine: &'a Engine<'f>, answers: &'a Answers, today: Date) -> Self {
        Self { engine, answers, today, relevance: RefCell::new(HashMap::new()), depth: Cell::new(0) }
    }

    /// The answers of the instance at `at` (empty when it does not exist).
    pub(super) fn scope(&self, at: &At) -> &'a Answers {
        self.engine.scope(self.answers, at)
    }

    fn ctx<'s>(&'s self, at: &'s At, current: &'s str) -> Ctx<'s, 'a, 'f> {
        Ctx { state: self, at, current, choice: None }
    }

    /// The stored value of node `id` (`""` for groups and repeats), the value of `.`.
    pub(super) fn current_value(&self, id: usize, at: &At) -> &'a str {
        let node = &self.engine.nodes[id];
        if node.item.kind.is_container() {
            ""
        } else {
            self.scope(&at[..node.repeats.len().min(at.len())]).value(&node.item.name)
        }
    }

    /// Evaluates a boolean expression of node `id`, `fallback` when it fails.
    fn eval_bool(&self, e: &Expr, id: usize, at: &At, fallback: bool) -> bool {
        let at = self.engine.own_at(id, at);
        let current = self.current_value(id, at);
        e.eval_bool(&self.ctx(at, current)).unwrap_or(fallback)
    }

    /// Evaluates an expression of node `id` to a string, `""` when it fails.
    pub(super) fn eval_string(&self, e: &Expr, id: usize, at: &At) -> String {
        let at = self.engine.own_at(id, at);
        let current = self.current_value(id, at);
        e.eval_string(&self.ctx(at, current)).unwrap_or_default()
    }

    /// Evaluates an expression at the top level.
    pub(super) fn eval_top(&self, e: &Expr) -> Option<String> {
        e.eval_string(&self.ctx(&[], "")).ok()
    }

    /// The node's own `relevant` (not its ancestors'), memoised.
    pub(super) fn self_relevant(&self, id: usize, at: &At) -> bool {
        let Some(e) = &self.engine.nodes[id].relevant else { return true };
        let key = (id, self.engine.own_at(id, at).to_vec());
        let known = self.relevance.borrow().get(&key).copied();
        if let Some(known) = known {
            return known.unwrap_or(true);
        }
        self.relevance.borrow_mut().insert(key.clone(), None);
        self.depth.set(self.depth.get() + 1);
        let relevant = self.eval_bool(e, id, &key.1, true);
        self.depth.set(self.depth.get() - 1);
        self.relevance.borrow_mut().insert(key, Some(relevant));
        relevant
    }

    /// Relevant, taking the enclosing groups and repeats into account.
    pub(super) fn relevant(&self, id: usize, at: &At) -> bool {
        let mut node = Some(id);
        while let Some(n) = node {
            if !self.self_relevant(n, at) {
                return false;
            }
            node = self.engine.nodes[n].parent;
        }
        true
    }

    fn flag(&self, flag: &Flag, id: usize, at: &At) -> bool {
        match flag {
            Flag::Yes => true,
            Flag::No => false,
            Flag::Expr(e) => self.eval_bool(e, id, at, false),
        }
    }

    /// Whether a person can change the answer of node `id`.
    pub(super) fn editable(&self, id: usize, at: &At) -> bool {
        let node = &self.engine.nodes[id];
        is_input(&node.item.kind) && node.calculation.is_none() && !self.flag(&node.read_only, id, at)
    }

    /// The choices a select offers, after its `choice_filter`.
    fn offered(&self, id: usize, at: &At) -> Vec<&'f Choice> {
        let node = &self.engine.nodes[id];
        let Some(list) = node.item.kind.list() else { return Vec::new() };
        let all = self.engine.form.choices.get(list).map_or(&[][..], Vec::as_slice);
        let Some(filter) = &node.choice_filter else { return all.iter().collect() };
        let at = self.engine.own_at(id, at);
        let current = self.current_value(id, at);
        all.iter()
            .filter(|c| filter.eval_bool(&Ctx { choice: Some(c), ..self.ctx(at, current) }).unwrap_or(true))
            .collect()
    }

    /// The number of instances `repeat_count` asks for (`None` when it fails).
    pub(super) fn count(&self, e: &Expr, id: usize, at: &At) -> Option<usize> {
        let at = self.engine.own_at(id, at);
        let n = e.eval(&self.ctx(at, "")).ok()?.to_number();
        Some(if n.is_nan() || n < 1.0 { 0 } else { n.trunc().min(MAX_INSTANCES as f64) as usize })
    }

    /// `${…}` of a label or message replaced by values seen from node `id`.
    fn interpolate(&self, text: &str, id: usize, at: &At) -> String {
        if !text.contains("${") {
            return text.to_owned();
        }
        let at = self.engine.own_at(id, at);
        let ctx = self.ctx(at, self.current_value(id, at));
        values::interpolate(text, |name| ctx.resolve(name).map(|v| v.to_xpath_string()))
    }

    /// A message of the form in `lang`: exactly that language, or, when `lang` is not one of
    /// the form's languages, the default language's; else empty.
    fn message(&self, labels: &Labels, lang: &str, id: usize, at: &At) -> String {
        let form = self.engine.form;
        let key = self.engine.lang_key(lang);
        let text = labels.get(key).or_else(|| {
            (!form.languages.iter().any(|l| l == key)).then(|| labels.get(form.default_language_key())).flatten()
        });
        text.map(|t| self.interpolate(t, id, at)).unwrap_or_default()
    }

    // ----- validation -----

    /// The issues of a relevant field (none unless a person can change it).
    pub(super) fn field_issues(&self, id: usize, at: &At, lang: &str) -> Vec<Issue> {
        let node = &self.engine.nodes[id];
        if !self.editable(id, at) {
            return Vec::new();
        }
        let value = self.current_value(id, at);
        let issue =
            |kind, message| vec![Issue { path: self.engine.field_path(id, self.engine.own_at(id, at)), kind, message }];
        if value.is_empty() {
            if self.flag(&node.required, id, at) {
                return issue(IssueKind::Required, self.message(&node.item.required_message, lang, id, at));
            }
            return Vec::new();
        }
        if value.chars().count() > MAX_TEXT_LEN {
            return issue(IssueKind::TooLong, String::new());
        }
        let type_error = match &node.item.kind {
            Kind::Integer => (!is_integer(value)).then_some(IssueKind::InvalidInteger),
            Kind::Decimal => (!is_decimal(value) || value.parse::<f64>().is_err()).then_some(IssueKind::InvalidDecimal),
            Kind::Date => (!is_date(value)).then_some(IssueKind::InvalidDate),
            Kind::Geopoint => (!is_geopoint(value)).then_some(IssueKind::InvalidGeopoint),
            Kind::SelectOne { .. } => {
                (!self.offered(id, at).iter().any(|c| c.name == value)).then_some(IssueKind::UnknownChoice)
            }
            Kind::SelectMultiple { .. } => {
                let offered = self.offered(id, at);
                let ok = value.split(' ').all(|n| n.is_empty() || offered.iter().any(|c| c.name == n));
                (!ok).then_some(IssueKind::UnknownChoice)
            }
            _ => None,
        };
        if let Some(kind) = type_error {
            return issue(kind, String::new());
        }
        if let Some(constraint) = &node.constraint
            && !self.eval_bool(constraint, id, at, true)
        {
            return issue(IssueKind::Constraint, self.message(&node.item.constraint_message, lang, id, at));
        }
        Vec::new()
    }

    pub(super) fn validate_items(&self, ids: &[usize], at: &mut Vec<(usize, usize)>, lang: &str, out: &mut Vec<Issue>) {
        for &id in ids {
            let node = &self.engine.nodes[id];
            match node.item.kind {
                Kind::Group => {
                    if self.self_relevant(id, at) {
                        self.validate_items(&node.children, at, lang, out);
                    }
                }
                Kind::Repeat => {
                    for i in 0..self.scope(at).repeat(&node.item.name).len() {
                        at.push((id, i));
                        if self.self_relevant(id, at) {
                            self.validate_items(&node.children, at, lang, out);
                        }
                        at.pop();
                    }
                }
                _ => {
                    if self.self_relevant(id, at) {
                        out.extend(self.field_issues(id, at, lang));
                    }
                }
            }
        }
    }

    // ----- new instances and pruning -----

    /// The defaults of the fields among `ids` (not inside nested repeats, which start without
    /// instances) and `today` metadata, for a new scope at `at`.
    pub(super) fn new_scope(&self, ids: &[usize], at: &At, out: &mut Answers) {
        for &id in ids {
            let node = &self.engine.nodes[id];
            match node.item.kind {
                Kind::Group => self.new_scope(&node.children, at, out),
                Kind::Repeat => {}
                _ => match &node.default {
                    Some(DefaultValue::Literal(v)) => out.set(&node.item.name, v.clone()),
                    Some(DefaultValue::Expr(e)) => out.set(&node.item.name, self.eval_string(e, id, at)),
                    None => {
                        if node.item.kind == Kind::Meta(MetaKind::Today) {
                            out.set(&node.item.name, self.today.to_string());
                        }
                    }
                },
            }
        }
    }

    pub(super) fn prune_items(&self, ids: &[usize], at: &mut Vec<(usize, usize)>, out: &mut Answers) {
        for &id in ids {
            let node = &self.engine.nodes[id];
            let name = node.item.name.as_str();
            match node.item.kind {
                Kind::Group => {
                    if self.self_relevant(id, at) {
                        self.prune_items(&node.children, at, out);
                    }
                }
                Kind::Repeat => {
                    let mut kept = Vec::new();
                    for i in 0..self.scope(at).repeat(name).len() {
                        at.push((id, i));
                        if self.self_relevant(id, at) {
                            let mut instance = Answers::new();
                            self.prune_items(&node.children, at, &mut instance);
                            kept.push(instance);
                        }
                        at.pop();
                    }
                    out.set_repeat(name, kept);
                }
                _ => {
                    if let Some(Answer::Value(v)) = self.scope(at).0.get(name)
                        && self.self_relevant(id, at)
                    {
                        out.set(name, v.clone());
                    }
                }
            }
        }
    }

    // ----- pages -----

    /// The view of node `id`; `parent_visible` says whether its enclosing items are relevant.
    pub(super) fn item_view(
        &self,
        id: usize,
        at: &mut Vec<(usize, usize)>,
        parent_visible: bool,
        lang: &str,
        check: bool,
    ) -> ItemView {
        let engine = self.engine;
        let node = &engine.nodes[id];
        let item = node.item;
        let key = engine.lang_key(lang);
        let visible = parent_visible && self.self_relevant(id, at);
        let text = |labels: &Labels, at: &At| engine.form.text(labels, key).map(|t| self.interpolate(t, id, at));
        let mut view = ItemView {
            path: engine.field_path(id, at),
            kind: item.kind.clone(),
            visible,
            required: false,
            read_only: true,
            value: String::new(),
            label: text(&item.label, at),
            hint: text(&item.hint, at),
            appearance: item.appearance.clone(),
            choices: Vec::new(),
            errors: Vec::new(),
            children: Vec::new(),
            instances: Vec::new(),
            fixed_count: false,
        };
        match item.kind {
            Kind::Group => view.children = self.items_view(&node.children, at, visible, lang, check),
            Kind::Repeat => {
                let existing = self.scope(at).repeat(&item.name).len();
                let n = match &node.repeat_count {
                    Some(e) => {
                        view.fixed_count = true;
                        self.count(e, id, at).unwrap_or(existing)
                    }
                    None => existing,
                };
                for index in 0..n {
                    at.push((id, index));
                    let instance_visible = visible && self.self_relevant(id, at);
                    let items = self.items_view(&node.children, at, instance_visible, lang, check);
                    view.instances.push(InstanceView { index, position: index + 1, visible: instance_visible, items });
                    at.pop();
                }
            }
            _ => {
                let editable = self.editable(id, at);
                view.read_only = !editable;
                view.required = editable && self.flag(&node.required, id, at);
                view.value = self.current_value(id, at).to_owned();
                if item.kind.list().is_some() {
                    let selected: Vec<&str> = view.value.split(' ').collect();
                    view.choices = self
                        .offered(id, at)
                        .into_iter()
                        .map(|c| ChoiceView {
                            name: c.name.clone(),
                            label: engine.form.text(&c.label, key).unwrap_or(&c.name).to_owned(),
                            selected: selected.contains(&c.name.as_str()),
                        })
                        .collect();
                }
                if check && visible {
                    view.errors = self.field_issues(id, at, lang);
                }
            }
        }
        view
    }

    fn items_view(
        &self,
        ids: &[usize],
        at: &mut Vec<(usize, usize)>,
        visible: bool,
        lang: &str,
        check: bool,
    ) -> Vec<ItemView> {
        ids.iter()
            .filter(|&&id| self.engine.nodes[id].item.is_visible())
            .map(|&id| self.item_view(id, at, visible, lang, check))
            .collect()
    }

    /// Collects what a page's form posts: its editable fields (as the answers are) and the new
    /// number of instances of each of its repeats.
    pub(super) fn post_plan(
        &self,
        id: usize,
        at: &mut Vec<(usize, usize)>,
        counts: &HashMap<FieldPath, usize>,
        plan: &mut Plan,
    ) {
        let node = &self.engine.nodes[id];
        match node.item.kind {
            Kind::Group => {
                for &c in &node.children {
                    self.post_plan(c, at, counts, plan);
                }
            }
            Kind::Repeat => {
                let existing = self.scope(at).repeat(&node.item.name).len();
                let n = match &node.repeat_count {
                    // As the page showed it.
                    Some(e) => self.count(e, id, at).unwrap_or(existing),
                    None => counts.get(&self.engine.field_path(id, at)).map_or(existing, |&n| n.min(MAX_INSTANCES)),
                };
                plan.resizes.push((at.clone(), id, n));
                for i in 0..n {
                    at.push((id, i));
                    for &c in &node.children {
                        self.post_plan(c, at, counts, plan);
                    }
                    at.pop();
                }
            }
            _ => {
                if self.editable(id, at) {
                    plan.fields.push((at.clone(), id));
                }
            }
        }
    }
}
