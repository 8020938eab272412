# Codifica delle risposte aperte ("Altro (specificare)"): crates/web/src/census/coding.rs

coding-title = Codifica delle risposte aperte
coding-link = Codifica delle risposte aperte («Altro (specificare)»)
coding-data-control = Controllo dei dati
coding-lead = Le risposte libere alle domande «Altro (specificare)» diventano variabili con un codice per risposta: per ogni domanda un elenco di codici (il codebook), e per ogni risposta non ancora codificata un codice suggerito dalle risposte simili già codificate. Si codificano le risposte pulite, con le correzioni della segreteria.
coding-no-questions = Il questionario di questa campagna non ha domande a risposta libera «Altro».
coding-questions = Domande a risposta libera
coding-question = Domanda
coding-repeat = Sezione ripetuta
coding-answers = Risposte
coding-distinct = Risposte distinte
coding-coded = Codificate
coding-uncoded = Da codificare
coding-uncoded-n = { $n } da codificare
coding-variables-note = Nei download dei dati puliti ogni domanda con un codebook ha una colonna in più, con il nome della domanda seguito da «_codice» (ad es. A3_altro_codice), che contiene il codice assegnato alla risposta.
coding-question-lead = Il codice assegnato a ogni risposta è la variabile { $variable } dei dati puliti. Le risposte che differiscono solo per maiuscole, accenti e punteggiatura sono raggruppate; se una risposta viene corretta, torna da codificare.
coding-codebook = Codici
coding-codebook-empty = Nessun codice per questa domanda: aggiungere il primo qui sotto.
coding-code = Codice
coding-label = Etichetta
coding-description = Descrizione
coding-retired = ritirato
coding-retire = Ritira
coding-add-title = Nuovo codice
coding-code-help = Lettere maiuscole, cifre e _, ad es. VICESINDACO. Se vuoto, è ricavato dall'etichetta.
coding-add = Aggiungi il codice
coding-frequencies = Frequenze dei codici
coding-frequencies-none = Nessuna risposta codificata.
coding-answers-title = Risposte da codificare
coding-answers-lead = Spuntare le risposte da codificare e scegliere il codice di ciascuna (il codice suggerito è già scelto), oppure un codice per tutte le risposte spuntate. Il codice va a tutte le risposte del gruppo.
coding-answers-none = Nessuna risposta a questa domanda.
coding-truncated = Sono mostrati solo i primi 300 gruppi di risposte, prima quelli da codificare.
coding-tick = Seleziona
coding-answer = Risposta
coding-comuni = Comuni
coding-current = Codice attuale
coding-suggested = Suggerito (somiglianza)
coding-variants = Anche scritta
coding-code-for = Codice per
coding-all = Un codice per tutte le risposte spuntate
coding-all-row = Il codice scelto su ogni riga
coding-all-help = Se si sceglie un codice qui, vale per tutte le righe spuntate.
coding-assign = Codifica le risposte spuntate
coding-assigned = { $n ->
    [one] Codificata una risposta.
   *[other] Codificate { $n } risposte.
}
coding-assign-none-ticked = Nessuna risposta spuntata (o nessun codice scelto): non è cambiato nulla.
coding-invalid = Il codice scelto non è un codice attivo di questa domanda.
coding-error-code = Il codice deve essere di lettere maiuscole, cifre e _, iniziare con una lettera ed essere lungo al massimo 32 caratteri.
coding-error-label = L'etichetta è obbligatoria.
coding-error-too-long = Il testo è troppo lungo.
coding-error-exists = Il codice { $code } esiste già per questa domanda.
