/** Entities owned by another subgraph: this one knows only their key. */
export interface PatientRef {
  id: string;
}
export interface PractitionerRef {
  id: string;
}
