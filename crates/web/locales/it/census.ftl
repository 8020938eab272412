# Census of Comuni: questionnaires (XLSForm)
nav-census = Censimento
census-forms-title = Questionari del censimento
census-forms-lead = I questionari sono file XLSForm, lo standard di ODK e KoboToolbox: si preparano in Excel o LibreOffice e si caricano qui. Ogni caricamento crea una nuova versione, che non cambia più; ogni risposta ricorda la versione a cui risponde.
census-forms-list = Questionari
census-forms-none = Nessun questionario caricato.
census-form-id = Identificativo (form_id)
census-versions = Versioni
census-version = Versione
census-status = Stato
census-published = Pubblicato
census-draft = Bozza
census-imported = Caricato il
census-questions = Domande
census-pages = Pagine
census-languages = Lingue
census-sha256 = Impronta SHA-256 del file
census-upload-title = Carica un questionario
census-upload-help = Un file .xlsx con i fogli survey, choices e settings. Se il file contiene errori sono elencati tutti, con foglio, riga e colonna, e non viene salvato nulla.
census-upload-file = File XLSForm (.xlsx)
census-upload-submit = Controlla e carica
census-upload-invalid = Il file { $file } non è un XLSForm valido: non è stato salvato nulla.
census-upload-problems = { $count ->
    [one] È stato trovato un problema. Correggilo nel file e caricalo di nuovo.
   *[other] Sono stati trovati { $count } problemi. Correggili nel file e caricalo di nuovo.
}
census-problems-caption = Problemi trovati nel file
census-sheet = Foglio
census-column = Colonna
census-problem = Problema
census-warning = Avviso
census-version-exists = Il questionario { $form } ha già una versione { $version }: una versione non si modifica. Cambia il valore di version nel foglio settings e carica di nuovo il file.
census-download-original = Scarica il file originale
census-download-export = Esporta in XLSForm
census-publish = Pubblica questa versione
census-publish-help = Una versione pubblicata può essere usata nelle campagne di rilevazione. La pubblicazione non si annulla e la versione resta immutabile.
census-structure = Struttura
census-choices = Liste di scelte
census-name = Nome
census-label = Testo
census-required = Obbligatoria
census-relevant = Condizione
census-constraint = Vincolo
census-kind-group = gruppo
census-kind-repeat = gruppo ripetuto

# XLSForm import problems (argine_domain::census::xlsform::FormErrorKind)
xlsform-unreadable = Il file non si legge come foglio di calcolo: { $message }
xlsform-missing-sheet = Manca il foglio «{ $sheet }».
xlsform-missing-column = Manca la colonna «{ $column }».
xlsform-duplicate-column = La colonna «{ $column }» compare due volte.
xlsform-too-many-rows = Il foglio ha { $rows } righe; se ne accettano al massimo { $max }.
xlsform-missing-type = La riga non ha un tipo (colonna type).
xlsform-unknown-type = Tipo di domanda sconosciuto: «{ $value }».
xlsform-missing-name = La domanda, il gruppo o la ripetizione non ha un nome (colonna name).
xlsform-invalid-name = Nome non valido: «{ $name }». Un nome inizia con una lettera o con _ e contiene solo lettere, cifre, _, - e punti, senza spazi.
xlsform-duplicate-name = Il nome «{ $name }» è già usato nello stesso gruppo: i nomi devono essere unici.
xlsform-reserved-name = Il nome «{ $name }» è riservato.
xlsform-duplicate-repeat-name = Due gruppi ripetuti si chiamano «{ $name }»: i nomi delle ripetizioni devono essere unici in tutto il questionario.
xlsform-repeat-named-like-form = Il gruppo ripetuto «{ $name }» ha lo stesso nome del questionario.
xlsform-unmatched-end = «end_{ $control }» senza un «begin_{ $control }» aperto.
xlsform-unmatched-begin = «begin_{ $control }» «{ $name }» non è mai chiuso da «end_{ $control }».
xlsform-unknown-list = La lista di scelte «{ $list }» non è nel foglio choices.
xlsform-no-choices-sheet = Manca il foglio «{ $sheet }» con la lista «{ $list }».
xlsform-duplicate-choice = Nella lista «{ $list }» la scelta «{ $name }» compare due volte.
xlsform-missing-choice-name = Nella lista «{ $list }» una scelta non ha il nome.
xlsform-choice-name-with-space = Nella lista «{ $list }» il nome «{ $name }» contiene uno spazio: non è ammesso in una domanda a scelta multipla.
xlsform-missing-label = La domanda «{ $name }» non ha né testo (label) né suggerimento (hint).
xlsform-missing-calculation = Il calcolo «{ $name }» non ha una formula (colonna calculation).
xlsform-or-other-with-choice-filter = La domanda «{ $name }» usa insieme or_other e choice_filter, che non sono compatibili.
xlsform-bad-reference = Riferimento scritto male: deve essere nella forma ${"{"}nome{"}"}.
xlsform-unknown-reference = Il riferimento ${"{"}{ $name }{"}"} non corrisponde a nessuna domanda.
xlsform-ambiguous-reference = Il riferimento ${"{"}{ $name }{"}"} è ambiguo: più domande hanno questo nome.
xlsform-invalid-expression = Espressione non valida: { $message }
xlsform-missing-choice-label = Nella lista «{ $list }» la scelta «{ $name }» non ha testo.
xlsform-unsupported-type = Il tipo «{ $value }» è accettato ma argine non lo mostra nel modulo web.
xlsform-name-case-clash = Il nome «{ $name }» differisce da un altro solo per maiuscole e minuscole.
xlsform-repeat-without-label = Il gruppo ripetuto «{ $name }» non ha un titolo.

# Campaigns
census-tabs = Sezioni del censimento
census-campaigns-title = Campagne di rilevazione
census-campaigns-none = Nessuna campagna.
census-questionnaire = Questionario
census-opens-on = Apertura
census-deadline = Scadenza
census-campaign-draft = In preparazione
census-campaign-open = Aperta
census-campaign-closed = Chiusa
census-invited = Comuni invitati
census-opened = Hanno aperto il link
census-started = Hanno iniziato
census-submitted = Hanno inviato
census-rate = Tasso di risposta
census-by-region = Andamento per regione
census-region = Regione
census-total = Totale

# The response form (secret link)
census-link-title = Questionario del censimento
census-link-unknown = Questo link non corrisponde a nessun invito. Controlla di averlo copiato per intero dall'e-mail ricevuta, o chiedi un nuovo link alla segreteria.
census-link-expired = Questo link non è più valido: è scaduto o è stato sostituito. Chiedi un nuovo link alla segreteria.
census-link-closed = La rilevazione è chiusa: non si accettano più risposte.
census-respond-deadline = Da compilare entro il { $date }. Le risposte si salvano a ogni pagina: si può interrompere e riprendere dallo stesso link, anche da un altro dispositivo.
census-respond-pages = Pagine del questionario
census-respond-summary = Riepilogo e invio
census-respond-errors = { $count ->
    [one] C'è un problema da correggere.
   *[other] Ci sono { $count } problemi da correggere.
}
census-respond-saved = Risposte salvate.
census-respond-prev = Pagina precedente
census-respond-save = Salva bozza
census-respond-next = Salva e continua
census-respond-to-summary = Salva e vai al riepilogo
census-respond-page-ok = completa
census-respond-submit = Invia il questionario
census-respond-submit-help = Dopo l'invio le risposte non si possono più modificare; per correggerle bisogna chiedere alla segreteria di riaprire il questionario.
census-respond-submitted = Questionario inviato il { $when }. Grazie.
census-required-field = (obbligatoria)
census-instance = { $what }: n. { $n }
census-add-instance = Aggiungi: { $what }
census-remove-instance = Elimina
census-already-submitted = Il questionario è già stato inviato.
census-issue-required = Risposta obbligatoria.
census-issue-constraint = Il valore non è accettato.
census-issue-invalid-integer = Scrivi un numero intero, senza punti né virgole.
census-issue-invalid-decimal = Scrivi un numero (ad es. 2,5).
census-issue-invalid-date = Scrivi una data valida (gg/mm/aaaa).
census-issue-unknown-choice = Scegli una delle opzioni proposte.
census-issue-invalid-geopoint = Scrivi la posizione come latitudine e longitudine (ad es. 41.56 15.91).
census-issue-too-long = Il testo è troppo lungo (al massimo 10.000 caratteri).
census-export-xlsx = Esporta le risposte (XLSX, codici)
census-export-xlsx-labels = Esporta le risposte (XLSX, etichette)
census-export-csv = Esporta le risposte (CSV)
census-export-json = Esporta le risposte (JSON)
census-export-xlsx-clean = Esporta i dati puliti (XLSX, etichette)
census-export-json-clean = Esporta i dati puliti (JSON)
census-export-istat = Codice ISTAT
census-export-pec = PEC
census-export-email = E-mail
census-export-last-contact = Ultimo contatto
census-contact-channel = Canale
census-last-contact = Ultimo contatto
census-comuni-export-csv = Scarica l'elenco (CSV)
census-comuni-export-xlsx = Scarica l'elenco (XLSX)
census-comuni-title = Comuni della campagna
census-comuni-link = Elenco dei Comuni: chi non ha ancora risposto, con i recapiti
census-comuni-count = { $count ->
    [one] Un Comune.
   *[other] { $count } Comuni.
}
census-comune = Comune
census-province = Provincia
census-all-regions = Tutte le regioni
census-filter = Filtra
census-filter-da-sollecitare = Da sollecitare (non hanno inviato)
census-filter-in-corso = In compilazione
census-filter-inviati = Hanno inviato
census-filter-tutti = Tutti
census-status-invited = Invitato
census-status-opened = Ha aperto il link
census-status-started = In compilazione
census-status-submitted = Inviato
census-reopen = Riapri
census-reopen-reason = Motivo della riapertura per { $comune }
census-reopen-placeholder = Motivo (ad es. correzione richiesta dal Comune)
census-reopen-reason-required = Scrivi il motivo della riapertura (almeno 5 caratteri): resta nel registro attività.
census-reopened = Questionario riaperto: il Comune può correggerlo dal suo link e inviarlo di nuovo.

# Census documents (PDF): the compilation guide and the receipt
census-doc-guide = Guida alla compilazione
census-doc-receipt = Ricevuta di invio del questionario
census-doc-campaign = Rilevazione
census-doc-comune = Comune
census-doc-deadline = Scadenza
census-doc-questions = Domande
census-doc-submitted = Inviato il
census-doc-revision = Revisione
census-doc-version = Versione del questionario
census-doc-answered = Domande con risposta
census-doc-conditional = solo in alcuni casi
census-doc-repeat-hint = Questa parte si ripete: si compila una volta per ciascun elemento (per esempio per ogni insediamento).
census-doc-empty = Nessuna risposta.
census-doc-guide-intro-1 = Il questionario si compila online, dal link personale ricevuto dal Comune per posta elettronica: non serve un account. Si può salvare una bozza in qualsiasi momento e riprendere più tardi, anche da un altro dispositivo, con lo stesso link.
census-doc-guide-intro-2 = Questa guida riporta tutte le domande, con le spiegazioni e le possibili risposte, per raccogliere le informazioni prima di compilare. Le domande segnate con * sono obbligatorie; quelle «solo in alcuni casi» compaiono soltanto se le risposte precedenti le rendono pertinenti.
census-doc-guide-intro-3 = Prima dell'invio una pagina di riepilogo mostra le eventuali risposte mancanti. Dopo l'invio si può scaricare la ricevuta in PDF; per correggere un questionario già inviato occorre chiederne la riapertura alla segreteria della rilevazione.
census-doc-receipt-closing = Questo documento riproduce le risposte inviate. Impronta SHA-256 delle risposte: { $fingerprint }.
census-doc-kind-text = testo
census-doc-kind-integer = numero intero
census-doc-kind-decimal = numero
census-doc-kind-date = data
census-doc-kind-time = ora
census-doc-kind-datetime = data e ora
census-doc-kind-select_one = una sola risposta
census-doc-kind-select_multiple = una o più risposte
census-doc-kind-acknowledge = conferma
census-doc-kind-geopoint = posizione (coordinate)
census-doc-kind-other = altro
census-download-guide = Scarica la guida alla compilazione (PDF)
census-download-receipt = Scarica la ricevuta (PDF)

# Census e-mails (sent to the Comune's PEC or e-mail)
census-mail-invitation-subject = { $campaign }: questionario per il Comune di { $comune }
census-mail-invitation-body = Gentile Comune di { $comune },

    vi invitiamo a compilare il questionario «{ $campaign }» entro il { $deadline }.

    Il questionario si compila online da questo link, riservato al vostro Comune (non serve un account; non inoltratelo al di fuori dell'ente):
    { $link }

    Si può salvare una bozza e riprendere più tardi, anche da un altro dispositivo, con lo stesso link. In allegato la guida alla compilazione, con tutte le domande, per raccogliere le informazioni prima di iniziare.

    Grazie per la collaborazione.
    La segreteria della rilevazione — { $instance }
census-mail-reminder-subject = Promemoria: { $campaign } — questionario del Comune di { $comune }
census-mail-reminder-body = Gentile Comune di { $comune },

    non abbiamo ancora ricevuto il questionario «{ $campaign }», da compilare entro il { $deadline }. Se lo state già compilando, le risposte salvate vi aspettano allo stesso link:
    { $link }

    In allegato la guida alla compilazione. Se il questionario è stato inviato nel frattempo, ignorate questo messaggio.

    La segreteria della rilevazione — { $instance }

# New campaign
census-new-title = Nuova campagna di rilevazione
census-new-link = Nuova campagna
census-new-lead = Una campagna invia un questionario pubblicato a un insieme di Comuni. Ogni Comune riceve un link personale per posta elettronica (PEC o e-mail) il giorno di apertura e i solleciti previsti finché non invia il questionario.
census-new-refused = La campagna non è stata creata. Correggi i problemi seguenti:
census-new-universe = Comuni da invitare
census-new-scope-all = Tutti i Comuni attuali
census-new-scope-regions = I Comuni delle regioni scelte
census-new-scope-provinces = I Comuni delle province scelte
census-new-scope-list = Un elenco di Comuni
census-new-regions = Regioni
census-new-provinces = Province
census-new-codes = Elenco di Comuni (codici ISTAT o catastali)
census-new-codes-help = Separati da spazi, virgole o a capo. Sono accettati anche codici di Comuni soppressi o ricodificati: si invita il Comune attuale.
census-new-pop-min = Popolazione da (abitanti)
census-new-pop-max = Popolazione fino a (abitanti)
census-new-schedule = Calendario
census-new-reminders = Numero di solleciti
census-new-reminder-days = Giorni tra un invio e il sollecito
census-new-accept-late = Accetta risposte dopo la scadenza, fino alla chiusura
census-new-contacts = Recapiti dei Comuni (CSV o XLSX, facoltativo)
census-new-contacts-help = Colonne: comune (codice ISTAT, codice catastale o nome), pec, email. Ogni riga deve indicare un Comune tra quelli invitati. Chi non ha recapiti riceve il link solo dalla pagina della campagna.
census-new-submit = Crea la campagna
census-new-created = Campagna creata: { $count } Comuni invitati, { $with } con un recapito.
census-new-error-name = Indica il nome della campagna (al massimo 200 caratteri).
census-new-error-version = Scegli un questionario pubblicato.
census-new-error-opens = La data di apertura non è valida.
census-new-error-deadline = La data di scadenza non è valida.
census-new-error-order = La scadenza non può precedere l'apertura.
census-new-error-reminders = Il numero di solleciti va da 0 a 5.
census-new-error-reminder-days = I giorni tra un invio e il sollecito vanno da 1 a 60.
census-new-error-population = La popolazione va indicata con un numero intero di abitanti.
census-new-error-no-regions = Scegli almeno una regione.
census-new-error-no-provinces = Scegli almeno una provincia.
census-new-error-no-codes = Indica almeno un codice di Comune.
census-new-error-unknown-code = Il codice «{ $code }» non corrisponde a nessun Comune.
census-new-error-scope = Scegli quali Comuni invitare.
census-new-error-empty = Nessun Comune corrisponde ai criteri scelti.
census-new-error-file = Il file dei recapiti non si legge: { $reason }
census-new-error-columns = Il file dei recapiti deve avere una colonna «comune» e almeno una tra «pec» ed «email».
census-new-error-ambiguous = Riga { $row }: «{ $value }» può indicare più Comuni ({ $candidates }); usa il codice ISTAT.
census-new-error-not-in-universe = Riga { $row }: «{ $value }» non è tra i Comuni invitati.
census-new-error-duplicate = Riga { $row }: «{ $value }» compare già alla riga { $first }.
census-new-error-address = Riga { $row }: «{ $value }» non è un indirizzo di posta valido.

# Follow-up of a Comune: e-mails and contact log
census-territory-page = Scheda del territorio
census-mails = Messaggi inviati
census-mails-none = Nessun messaggio inviato finora.
census-mail-kind = Messaggio
census-mail-channel = Canale
census-mail-when = Data
census-mail-kind-invitation = Invito
census-mail-kind-reminder = Sollecito
census-mail-status-queued = in coda
census-mail-status-running = in invio
census-mail-status-done = inviato
census-mail-status-failed = non riuscito
census-mail-retry = Riprova l'invio
census-mails-summary = Messaggi della campagna
census-mails-failed = Invii non riusciti
census-contacts = Registro dei contatti
census-contacts-none = Nessun contatto registrato.
census-contact-add = Registra un contatto
census-contact-outcome = Esito
census-contact-note = Nota
census-contact-save = Registra
census-contact-channel-phone = Telefono
census-contact-channel-email = E-mail
census-contact-channel-pec = PEC
census-contact-channel-visit = Incontro
census-contact-channel-other = Altro
census-contact-outcome-reached = Parlato con il referente
census-contact-outcome-no_answer = Nessuna risposta
census-contact-outcome-promised = Compilazione promessa
census-contact-outcome-refused = Rifiuto
census-contact-outcome-wrong_contact = Recapito errato
census-contact-outcome-other = Altro
census-contact-last = Ultimo contatto
census-contact-invalid = Canale o esito del contatto non valido.
census-contact-too-long = La nota è troppo lunga (al massimo 2000 caratteri).
census-campaign-close = Chiudi la campagna
census-campaign-close-help = Alla chiusura i link dei Comuni smettono di funzionare e non partono altri messaggi. Le risposte inviate restano.
census-campaign-not-open = La campagna non è aperta.
census-campaign-created = Campagna creata. Gli inviti partono il giorno di apertura verso i Comuni con un recapito.
census-campaign-late = Dopo la scadenza

# Import of responses collected elsewhere (argine_domain::census::import)
census-import-title = Importa risposte raccolte altrove
census-import-link = Importa risposte (KoboToolbox, LimeSurvey, Excel)
census-import-help = Un'esportazione XLSX o CSV di KoboToolbox, di LimeSurvey (intestazioni con i codici delle domande) o di argine, con le colonne chiamate come le domande del questionario. Ogni riga deve indicare il Comune (codice ISTAT, codice catastale o nome). Il file viene prima controllato per intero e non modifica nulla; dopo il controllo lo importi tutto o niente.
census-import-unreadable = Il file non si legge: { $reason }
census-import-summary = Formato riconosciuto: { $format }. Risposte pronte: { $rows }. Problemi: { $errors }.
census-import-format-argine = esportazione di argine
census-import-format-kobo = KoboToolbox
census-import-format-limesurvey = LimeSurvey
census-import-format-plain = tabella con una colonna per domanda
census-import-has-errors = Il file contiene errori: correggili e caricalo di nuovo. Non è stato importato nulla.
census-import-warnings = { $count ->
    [one] Un avviso
   *[other] { $count } avvisi
}
census-import-ambiguous = Comuni da scegliere
census-import-which = Riga { $row }: quale Comune?
census-import-confirm-help = Il file non contiene errori. Importando, ogni riga diventa il questionario inviato del suo Comune.
census-import-unresolved = Scegli il Comune di ogni riga ambigua.
census-import-nothing = Non è stato importato nulla.
census-import-already-submitted = Riga { $row }: il Comune di { $comune } ha già inviato il questionario (per sostituirlo, riaprilo prima).
census-import-done = Importate { $count } risposte.
census-import-empty = Il file non contiene righe di dati.
census-import-invalid-form = Il questionario non si può applicare: { $message }
census-import-no-comune-column = Manca la colonna del Comune (codice ISTAT, codice catastale o nome).
census-import-comune-column-not-found = La colonna del Comune «{ $column }» non c'è.
census-import-no-link-column = Il foglio della parte ripetuta «{ $repeat }» non ha la colonna che lo collega alle risposte (per esempio _parent_index).
census-import-comune-missing = Il Comune non è indicato.
census-import-comune-not-found = «{ $value }» non è tra i Comuni della campagna.
census-import-suggestions = Forse: { $suggestions }.
census-import-duplicate-comune = Il Comune { $comune } compare già alla riga { $first_row }.
census-import-bad-resolution = La scelta «{ $istat }» non è tra i Comuni possibili.
census-import-incomplete = Risposta incompleta (non inviata nello strumento di origine).
census-import-orphan-row = La riga non è collegata a nessuna risposta del foglio principale ({ $parent }).
census-import-bad-instance-number = «{ $value }» non è un numero di riga della parte ripetuta.
census-import-duplicate-instance = La riga { $number } della parte ripetuta compare due volte.
census-import-too-many-instances = Troppe righe nella parte ripetuta (al massimo { $max }).
census-import-required = Manca la risposta obbligatoria «{ $field }».
census-import-constraint = «{ $value }» non è accettato per «{ $field }»: { $message }
census-import-bad-integer = «{ $value }» non è un numero intero.
census-import-bad-decimal = «{ $value }» non è un numero.
census-import-bad-date = «{ $value }» non è una data (AAAA-MM-GG o GG/MM/AAAA).
census-import-unknown-choice = «{ $value }» non è una delle risposte possibili.
census-import-bad-geopoint = «{ $value }» non è una posizione (latitudine longitudine).
census-import-bad-flag = «{ $value }» non è un valore sì/no riconosciuto.
census-import-too-long = Testo troppo lungo (al massimo { $max } caratteri).
census-import-unknown-column = La colonna non è una domanda del questionario ed è ignorata.
census-import-duplicate-column = Una seconda colonna per «{ $field }», ignorata.
census-import-unknown-sheet = Il foglio non è una parte ripetuta del questionario ed è ignorato.
census-import-skipped-incomplete = Risposta incompleta, saltata.
census-map-title = { $campaign }: tasso di risposta per provincia
census-map-not-invited = Nessun Comune invitato
census-map-alt = Mappa delle province colorate per tasso di risposta; gli stessi dati sono nella tabella per regione.

# Questionnaires to fill in through the account (Comune referents)
census-mine-title = Questionari da compilare
census-mine-lead = I questionari delle rilevazioni aperte per i Comuni della tua organizzazione. Si compilano come dal link ricevuto per posta elettronica: le risposte salvate sono le stesse.
census-mine-none = Nessun questionario da compilare per la tua organizzazione.
census-mine-open = Compila

# Data control (raw and clean)
census-clean-link = Controllo dei dati
census-clean-title = Controllo dei dati
census-clean-lead = Le regole di controllo sono applicate alle risposte pulite (le risposte inviate dai Comuni con le correzioni della segreteria). Per ogni problema: correggere il valore, oppure accettarlo con una nota se è giusto. Le risposte originali non cambiano mai.
census-clean-open = Aperti
census-clean-accepted = Accettati
census-clean-all = Tutti
census-clean-rule = Regola
census-clean-all-rules = Tutte le regole
census-clean-comune = Comune
census-clean-comune-code = Codice ISTAT del Comune
census-clean-filter = Filtra
census-clean-by-rule = Problemi per regola
census-clean-by-comune = Comuni con più problemi aperti
census-clean-issues = Problemi
census-clean-none = Nessun problema trovato.
census-clean-none-here = Nessun problema con questi filtri.
census-clean-truncated = Sono mostrati i primi 500 problemi: usare i filtri per vedere gli altri.
census-clean-accept = Accetta il valore
census-clean-accept-note = Nota (perché il valore è giusto)
census-clean-accepted-note = Accettato
census-clean-accept-note-missing = Per accettare un valore serve una nota che spieghi perché è giusto.
census-clean-accept-invalid = Richiesta di accettazione non valida.
census-clean-response-link = Dati originali e puliti, correzioni
census-clean-response-title = dati originali e puliti
census-clean-response-lead = Per ogni domanda: il valore inviato dal Comune (originale) e quello in uso per le statistiche (pulito). Le correzioni si possono ritirare: restano nello storico.
census-clean-follow-page = Scheda del Comune
census-clean-not-submitted = Il Comune non ha ancora inviato la risposta.
census-clean-values = Valori originali e puliti
census-clean-question = Domanda
census-clean-raw = Originale
census-clean-clean = Pulito
census-clean-corrected = corretto
census-clean-correct = Correggi
census-clean-correct-title = Correggi un valore
census-clean-path = Domanda (percorso)
census-clean-path-help = Ad esempio E3 del secondo insediamento: insediamenti[1]/E3 (le schede si contano da 0). Si sceglie anche con «Correggi» nella tabella.
census-clean-new-value = Nuovo valore
census-clean-new-value-help = Lasciare vuoto per togliere la risposta.
census-clean-old-value = Valore precedente
census-clean-source = Fonte
census-clean-reason = Motivo
census-clean-save = Salva la correzione
census-clean-saved = Correzione salvata.
census-clean-history = Storico delle correzioni
census-clean-history-none = Nessuna correzione.
census-clean-who = Chi
census-clean-withdrawn = Ritirata
census-clean-withdraw = Ritira
census-clean-withdraw-reason = Motivo del ritiro (facoltativo)
census-clean-instance = scheda { $n }
census-clean-source-telefonata = Telefonata
census-clean-source-documento = Documento
census-clean-source-ricontatto = Nuovo contatto con il Comune
census-clean-source-altro = Altro
census-clean-error-path = La domanda indicata non esiste in questa risposta: scegliere una domanda dalla tabella.
census-clean-error-reason = Il motivo della correzione è obbligatorio.
census-clean-error-too-long = Il testo è troppo lungo (al massimo 2000 caratteri).
census-clean-error-source = Scegliere la fonte della correzione.
census-clean-error-unchanged = Il nuovo valore è uguale a quello attuale.
census-clean-not-submitted-error = Il Comune non ha inviato la risposta: non c'è nulla da correggere.
census-rule-title-b3a-range = Lavoratori stabili fuori intervallo
census-rule-title-b3b-range = Lavoratori stagionali fuori intervallo
census-rule-title-d3-range = Ospiti di una struttura fuori intervallo
census-rule-title-e3-range = Persone in un insediamento fuori intervallo
census-rule-title-e7-range = Distanza dai luoghi di lavoro fuori intervallo
census-rule-title-e5-future = Anno di formazione nel futuro
census-rule-title-housing-without-workers = Sistemazioni senza lavoratori
census-rule-title-informali-without-settlements = Insediamenti informali dichiarati ma non descritti
census-rule-title-strutture-without-structures = Strutture dichiarate ma non descritte
census-rule-title-n-insediamenti-count = Numero di insediamenti incoerente
census-rule-title-n-strutture-count = Numero di strutture incoerente
census-rule-title-tot-persone-sum = Totale delle persone negli insediamenti incoerente
census-rule-title-tot-ospiti-sum = Totale degli ospiti delle strutture incoerente
census-rule-title-people-over-population = Più persone che residenti
census-rule-title-settlement-twice = Stesso insediamento due volte
census-rule-title-settlement-in-neighbour = Stesso insediamento in un Comune confinante
census-rule-title-e3-outlier = Numero di persone anomalo
census-rule-title-b3b-outlier = Lavoratori stagionali anomali rispetto ai residenti
census-rule-b3a-range = { $comune }: il numero di lavoratori stabili è fuori dall'intervallo atteso (0–20.000): { $values }.
census-rule-b3b-range = { $comune }: il numero di lavoratori stagionali è fuori dall'intervallo atteso (0–50.000): { $values }.
census-rule-d3-range = { $comune }, struttura { $instance }: il numero di ospiti è fuori dall'intervallo atteso (0–2.000): { $values }.
census-rule-e3-range = { $comune }, insediamento { $instance }: il numero di persone è fuori dall'intervallo atteso (1–10.000): { $values }.
census-rule-e7-range = { $comune }, insediamento { $instance }: la distanza dai luoghi di lavoro è fuori dall'intervallo atteso (0–100 km): { $values }.
census-rule-e5-future = { $comune }, insediamento { $instance }: l'anno di formazione è nel futuro: { $values }.
census-rule-housing-without-workers = { $comune }: ha dichiarato che non ci sono lavoratori stranieri ma descrive strutture o insediamenti ({ $values }).
census-rule-informali-without-settlements = { $comune }: ha indicato insediamenti informali ma non ne ha descritto nessuno ({ $values }).
census-rule-strutture-without-structures = { $comune }: ha indicato strutture ma non ne ha descritta nessuna ({ $values }).
census-rule-n-insediamenti-count = { $comune }: il numero di insediamenti non corrisponde alle schede compilate ({ $values }).
census-rule-n-strutture-count = { $comune }: il numero di strutture non corrisponde alle schede compilate ({ $values }).
census-rule-tot-persone-sum = { $comune }: il totale delle persone negli insediamenti non corrisponde alla somma delle schede ({ $values }).
census-rule-tot-ospiti-sum = { $comune }: il totale degli ospiti non corrisponde alla somma delle schede ({ $values }).
census-rule-people-over-population = { $comune }: { $people } persone in insediamenti e strutture, più dei { $population } residenti.
census-rule-settlement-twice = { $comune }: l'insediamento «{ $name }» compare due volte (schede { $first } e { $second }).
census-rule-settlement-in-neighbour = { $comune }: l'insediamento «{ $name }» è indicato anche dal Comune confinante di { $other } («{ $other_name }»).
census-rule-e3-outlier = { $comune }: { $value } persone in un insediamento, molto lontano dal valore tipico ({ $median }; punteggio robusto { $z }).
census-rule-b3b-outlier = { $comune }: { $value } lavoratori stagionali, un numero anomalo rispetto ai residenti (mediana per 1.000 residenti { $median }; punteggio robusto { $z }).
